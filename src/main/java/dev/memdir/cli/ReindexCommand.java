package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.search.ReindexReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description =
        "Rebuild the search index (.memdir/index/) from the files and say what it indexed.")
final class ReindexCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    try (Agent agent = dir.open(AgentDir.SEARCH)) {
      ReindexReport r = agent.search().reindex();
      if (json.on) {
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
