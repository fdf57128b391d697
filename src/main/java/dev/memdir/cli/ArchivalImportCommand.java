package dev.memdir.cli;

import dev.memdir.Agent;
import dev.memdir.archival.FactImport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code memdir archival import DIR FILE}: many facts in one process under one lock. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Store the facts of a JSONL file, one JSON object a line:",
      "  {\"text\":\"Ada prefers tea.\",\"tags\":[\"preferences\"],\"date\":\"2026-11-26\"}",
      "tags and date are optional (date: a day or an ISO-8601 time; default: now). The whole file"
          + " is checked first: a wrong line is reported as FILE:LINE and nothing is stored. A fact"
          + " whose text and date match a stored one is not stored again, so an import can be run"
          + " twice."
    })
final class ArchivalImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Parameters(index = "1", paramLabel = "FILE", description = "The JSONL file of facts.")
  Path file;

  @Mixin WaitOption wait;

  @Override
  public Integer call() {
    List<FactImport.NewFact> facts = FactImport.read(file, file.toString());
    Instant now = Instant.now();
    try (Agent agent = dir.open(wait)) {
      int added =
          agent.write(
              "archival import",
              () -> {
                try (Agent.Turn turn = agent.turn()) {
                  int before = agent.archival().count();
                  for (FactImport.NewFact f : facts) {
                    agent.archival().insert(f.text(), f.tags(), f.created().orElse(now));
                  }
                  return agent.archival().count() - before;
                }
              });
      Cli.out(spec)
          .println(added + " facts stored, " + (facts.size() - added) + " already present");
    }
    return 0;
  }
}
