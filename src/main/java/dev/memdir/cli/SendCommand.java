package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.LlmException;
import dev.memdir.MemdirException;
import dev.memdir.agent.Reply;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatModels;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = {
      "Send one message to the agent, let it work (memory edits, searches) until it answers, and"
          + " print the answer.",
      "Exit 1 when the model fails or the turn reaches max_steps without an answer; with --json a"
          + " failure prints {\"error\": {\"kind\", \"message\", \"retryable\", \"status\"}}."
    })
final class SendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Parameters(index = "1", paramLabel = "MESSAGE", description = "The message ('-' reads stdin).")
  String message;

  @Mixin ModelOptions modelOptions = new ModelOptions();

  @Mixin WaitOption wait;

  @Option(names = "--json", description = "Print the whole step trace as JSON.")
  boolean json;

  private final Map<String, String> env;

  SendCommand() {
    this(System.getenv());
  }

  /** A command that reads keys and URLs from {@code env} instead of the real environment. */
  SendCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public Integer call() {
    String text = Cli.text(spec, message);
    try (Agent agent = dir.openForTurn(wait.duration())) {
      ChatModel model = ChatModels.open(modelOptions.resolve(agent.config(), env));
      Reply reply;
      try {
        reply = agent.send(text, model);
      } catch (MemdirException e) {
        if (!json) {
          throw e;
        }
        Cli.printJson(spec, error(e));
        spec.commandLine().getErr().println("memdir: " + e.getMessage());
        return 1;
      }
      if (json) {
        Cli.printJson(spec, reply.toJson());
      } else {
        Cli.out(spec).println(reply.text());
      }
      if (reply.ending() == Reply.Ending.MAX_STEPS) {
        spec.commandLine()
            .getErr()
            .println(
                "memdir: the turn stopped after "
                    + reply.steps().size()
                    + " steps (max_steps in agent.yaml) without an answer");
        return 1;
      }
    }
    return 0;
  }

  /**
   * A failed turn as JSON: {@code {"error": {"kind", "message", "retryable", "status"}}}, the kind
   * as the history's error record names it.
   */
  static ObjectNode error(MemdirException e) {
    ObjectNode o = Cli.object();
    ObjectNode err = o.putObject("error");
    if (e instanceof LlmException le) {
      err.put("kind", le.kind().word())
          .put("message", le.getMessage())
          .put("retryable", le.retryable())
          .put("status", le.status());
    } else {
      err.put("kind", "memdir").put("message", e.getMessage()).put("retryable", false);
      err.put("status", 0);
    }
    return o;
  }
}
