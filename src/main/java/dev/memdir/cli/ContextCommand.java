package dev.memdir.cli;

import dev.memdir.Agent;
import dev.memdir.agent.ContextReport;
import dev.memdir.format.WriteLock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "context",
    mixinStandardHelpOptions = true,
    description = {
      "Print the context window the agent's next step would send, with the tokens of each"
          + " section: system prompt, core memory, metadata, file windows, tool rules, tools,"
          + " summary, messages. Calls no model."
    })
final class ContextCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Option(names = "--brief", description = "Print only the table of tokens.")
  boolean brief;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    try (Agent agent = dir.openForTurn(WriteLock.DEFAULT_WAIT)) {
      ContextReport r = agent.context();
      if (json.on) {
        Cli.printJson(spec, r.toJson());
      } else {
        ContextText.print(r, Cli.out(spec), brief);
      }
    }
    return 0;
  }
}
