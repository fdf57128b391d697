package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.git.AgentRepo;
import dev.memdir.git.Versions;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "log",
    mixinStandardHelpOptions = true,
    description = "The agent's commits, newest first, with who made each (agent or person).")
final class LogCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Option(names = "--memory", description = "Only commits that changed core memory.")
  boolean memory;

  @Option(names = "--block", paramLabel = "LABEL", description = "Only this block's changes.")
  String block;

  @Option(
      names = "--limit",
      paramLabel = "N",
      converter = Opts.Positive.class,
      description = "At most N commits (default: ${DEFAULT-VALUE}).")
  int limit = 50;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    List<Versions.Entry> entries;
    try (AgentRepo repo =
        AgentRepo.open(dev.memdir.format.Layout.of(dir.path), Clock.systemUTC())) {
      entries = new Versions(repo).log(memory, Optional.ofNullable(block), limit);
    }
    if (json.on) {
      ArrayNode arr = Cli.JSON.createArrayNode();
      for (Versions.Entry e : entries) {
        ObjectNode o = arr.addObject();
        o.put("id", e.id());
        o.put("time", e.time());
        o.put("actor", e.actor());
        o.put("subject", e.subject());
        e.changes().forEach(o.putArray("changes")::add);
      }
      Cli.printJson(spec, arr);
      return 0;
    }
    PrintWriter out = Cli.out(spec);
    for (Versions.Entry e : entries) {
      out.println(e.id() + "  " + e.time() + "  " + pad(e.actor()) + "  " + e.subject());
      if (memory || block != null) {
        e.changes().forEach(c -> out.println("    " + c));
      }
    }
    return 0;
  }

  private static String pad(String s) {
    return String.format("%-6s", s);
  }
}
