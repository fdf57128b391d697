package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.format.Problem;
import dev.memdir.memory.Block;
import dev.memdir.memory.CoreMemory;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Show the agent: model, core memory blocks with chars used / limit, counts.")
final class ShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    try (Agent agent = dir.open()) {
      CoreMemory.Snapshot blocks = agent.memory().load();
      int facts = agent.archival().count();
      long messages = agent.messageCount();
      int files = agent.fileCount();
      if (json.on) {
        ObjectNode o = Cli.object();
        o.put("name", agent.config().name());
        o.put("description", agent.config().description());
        o.put("model", agent.config().model());
        agent.config().baseUrl().ifPresent(u -> o.put("base_url", u));
        ArrayNode arr = o.putArray("blocks");
        for (Block b : blocks.blocks()) {
          ObjectNode bo = arr.addObject();
          bo.put("label", b.label());
          bo.put("description", b.description());
          bo.put("chars", b.chars());
          bo.put("limit", b.limit());
          bo.put("read_only", b.readOnly());
          bo.put("over_limit", b.overLimit());
        }
        o.put("messages", messages);
        o.put("history_records", messages);
        o.put("facts", facts);
        o.put("files", files);
        ArrayNode problems = o.putArray("problems");
        blocks.problems().stream()
            .filter(Problem::isError)
            .forEach(p -> problems.add(p.toString()));
        Cli.printJson(spec, o);
        return 0;
      }
      PrintWriter out = Cli.out(spec);
      out.println(
          agent.config().name()
              + (agent.config().description().isEmpty()
                  ? ""
                  : " — " + agent.config().description()));
      out.println(
          "model: "
              + agent.config().model()
              + agent.config().baseUrl().map(u -> " at " + u).orElse(""));
      out.println("core memory:");
      int width = blocks.blocks().stream().mapToInt(b -> b.label().length()).max().orElse(0);
      for (Block b : blocks.blocks()) {
        out.printf(
            "  %-" + width + "s  %5d / %d chars%s%s%n",
            b.label(),
            b.chars(),
            b.limit(),
            b.readOnly() ? "  read-only" : "",
            b.overLimit()
                ? "  OVER LIMIT: shorten it or raise 'limit'"
                : b.chars() >= 0.9 * b.limit()
                    ? "  nearly full (the agent is told to condense it)"
                    : "");
      }
      for (Problem p : blocks.problems()) {
        if (p.isError()) {
          out.println("  problem: " + p);
        }
      }
      out.println("history records: " + messages);
      out.println("archival facts: " + facts);
      out.println("files: " + files);
    }
    return 0;
  }
}
