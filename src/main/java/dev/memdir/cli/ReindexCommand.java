package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.search.ReindexReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description =
        "Rebuild the search index (.memdir/index/) from the files and say what it indexed.")
final class ReindexCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The agent directory.")
  Path dir;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Agent agent = Agent.open(dir)) {
      ReindexReport r = agent.search().reindex();
      if (json) {
        ObjectNode o = Cli.object();
        o.put("files", r.files());
        o.put("passages", r.passages());
        o.put("facts", r.facts());
        o.put("messages", r.messages());
        o.put("seconds", r.took().toNanos() / 1e9);
        ArrayNode skipped = o.putArray("skipped");
        r.skipped().forEach(skipped::add);
        Cli.printJson(spec, o);
        return 0;
      }
      Cli.out(spec).println(r.summary());
      for (String s : r.skipped()) {
        Cli.out(spec).println("skipped " + s);
      }
    }
    return 0;
  }
}
