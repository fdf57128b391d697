package dev.memdir.cli;

import dev.memdir.Agent;
import dev.memdir.history.HistoryImport;
import dev.memdir.history.Role;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code memdir history import DIR FILE}: many records in one process, one lock, one sync. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Append the messages of a JSONL file to the history, one JSON object a line:",
      "  {\"role\":\"user\",\"content\":\"Hello\",\"ts\":\"2026-11-26T08:30:00Z\"}",
      "ts is optional (default: now). The whole file is checked first: a wrong line is reported as"
          + " FILE:LINE and nothing is appended. Importing a file twice appends it twice."
    })
final class HistoryImportCommand implements Callable<Integer> {
  /** Messages appended per write; the file is read again for the writes, not kept in memory. */
  static final int BATCH = 10_000;

  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Parameters(index = "1", paramLabel = "FILE", description = "The JSONL file of messages.")
  Path file;

  @Mixin WaitOption wait;

  @Override
  public Integer call() {
    Instant now = Instant.now();
    HistoryImport check = new HistoryImport(file, file.toString(), now);
    long count = check.read(BATCH, batch -> {});
    for (String role : check.unknownRoles()) {
      spec.commandLine()
          .getErr()
          .println(
              "memdir: warning: unknown role '"
                  + role
                  + "' (known: "
                  + Role.known()
                  + "); imported as is");
    }
    try (Agent agent = dir.open(wait)) {
      long[] written = {0};
      agent.write(
          "history import",
          () -> {
            try (Agent.Turn turn = agent.turn()) {
              return new HistoryImport(file, file.toString(), now)
                  .read(BATCH, batch -> written[0] += agent.history().appendAll(batch).size());
            }
          });
      Cli.out(spec).println(written[0] + " of " + count + " messages appended");
    }
    return 0;
  }
}
