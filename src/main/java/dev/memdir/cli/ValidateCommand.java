package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.Validation;
import dev.memdir.format.Problem;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check every file of the agent; print problems as path:line: message.",
      "Exit 1 when there are errors; warnings print but exit 0."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    Validation v = Agent.validate(dir.path);
    if (json.on) {
      ObjectNode o = Cli.object();
      o.put("ok", v.ok());
      add(o.putArray("errors"), v.errors());
      add(o.putArray("warnings"), v.warnings());
      Cli.printJson(spec, o);
    } else {
      PrintWriter out = Cli.out(spec);
      v.errors().forEach(p -> out.println(p));
      v.warnings().forEach(p -> out.println(p.toString().replaceFirst(": ", ": warning: ")));
      out.println(
          dir.path
              + ": "
              + (v.ok() ? "valid" : "invalid")
              + " ("
              + v.errors().size()
              + " error(s), "
              + v.warnings().size()
              + " warning(s))");
    }
    return v.ok() ? 0 : 1;
  }

  private static void add(ArrayNode arr, List<Problem> problems) {
    for (Problem p : problems) {
      ObjectNode o = arr.addObject();
      o.put("file", p.file());
      o.put("line", p.line());
      o.put("message", p.message());
    }
  }
}
