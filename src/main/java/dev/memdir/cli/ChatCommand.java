package dev.memdir.cli;

import dev.memdir.Agent;
import dev.memdir.MemdirException;
import dev.memdir.agent.Reply;
import dev.memdir.agent.TurnListener;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatModels;
import dev.memdir.memory.Block;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description = {
      "Talk with the agent: one line is one message; replies stream, tool calls are shown one"
          + " line each.",
      "Commands: /memory (core memory), /context (tokens of the context window), /quit.",
      "Exit 1 when the last turn failed (each failure is printed on one line and the chat goes"
          + " on)."
    })
final class ChatCommand implements Callable<Integer> {
  /** Arguments and results longer than this are cut in the one-line tool display. */
  static final int SHOWN = 100;

  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Mixin ModelOptions modelOptions = new ModelOptions();

  @Mixin WaitOption wait;

  private final Map<String, String> env;

  ChatCommand() {
    this(System.getenv());
  }

  /** A chat that reads keys and URLs from {@code env} instead of the real environment. */
  ChatCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = Cli.out(spec);
    PrintWriter err = spec.commandLine().getErr();
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(((Main) spec.root().userObject()).in, StandardCharsets.UTF_8));
    try (Agent agent = dir.openForTurn(wait.duration())) {
      ChatModel model = ChatModels.open(modelOptions.resolve(agent.config(), env));
      out.println(
          "chatting with "
              + agent.config().name()
              + " ("
              + model.config().label()
              + "); /memory, /context, /quit");
      boolean lastFailed = false;
      while (true) {
        out.print("you> ");
        out.flush();
        String line = in.readLine();
        if (line == null) {
          out.println();
          return lastFailed ? 1 : 0;
        }
        line = line.strip();
        if (line.isEmpty()) {
          continue;
        }
        if (line.equals("/quit") || line.equals("/exit")) {
          return lastFailed ? 1 : 0;
        }
        if (line.startsWith("/")) {
          command(agent, line, out);
          continue;
        }
        try {
          turn(agent, model, line, out);
          lastFailed = false;
        } catch (MemdirException e) {
          lastFailed = true;
          out.println();
          err.println("memdir: " + e.getMessage());
          err.flush();
        }
      }
    }
  }

  private void command(Agent agent, String line, PrintWriter out) {
    switch (line) {
      case "/memory" -> {
        for (Block b : agent.memory().load().blocks()) {
          out.println("== " + MemoryCommand.header(b));
          out.println(b.value());
        }
      }
      case "/context" -> ContextText.print(agent.context(), out, true);
      default -> out.println("unknown command " + line + "; commands: /memory, /context, /quit");
    }
  }

  private void turn(Agent agent, ChatModel model, String line, PrintWriter out) {
    Printer p = new Printer(out);
    Reply reply = agent.send(line, model, p);
    // send_message's text, or a refusal, reaches the user here: neither streams as text.
    if (!p.printed && !reply.text().isEmpty()) {
      p.onText(reply.text());
    }
    out.println();
    if (reply.ending() == Reply.Ending.MAX_STEPS) {
      out.println("(the turn stopped after " + reply.steps().size() + " steps: max_steps)");
    }
    out.flush();
  }

  /** Prints the reply as it streams, and each tool call on a line of its own. */
  private static final class Printer implements TurnListener {
    private final PrintWriter out;
    private boolean atLineStart = true;
    boolean printed;

    Printer(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void onText(String delta) {
      if (!printed) {
        out.print("agent> ");
        printed = true;
      }
      out.print(delta);
      atLineStart = delta.endsWith("\n");
      out.flush();
    }

    @Override
    public void onToolCall(String name, String arguments) {
      if (!atLineStart) {
        out.println();
      }
      out.print("  . " + name + " " + cut(arguments.replaceAll("\\s+", " ")));
      out.flush();
      atLineStart = false;
    }

    @Override
    public void onToolResult(String name, String result, boolean error) {
      out.println(error ? " -> " + cut(result) : " -> ok");
      atLineStart = true;
      printed = false;
      out.flush();
    }

    @Override
    public void onSummary(int messages, long tokensBefore, long tokensAfter) {
      if (!atLineStart) {
        out.println();
      }
      out.println(
          "  . summarised the oldest "
              + messages
              + " messages ("
              + tokensBefore
              + " -> "
              + tokensAfter
              + " tokens)");
      atLineStart = true;
      out.flush();
    }

    private static String cut(String s) {
      String one = s.replace('\n', ' ');
      return one.length() > SHOWN ? one.substring(0, SHOWN) + "…" : one;
    }
  }
}
