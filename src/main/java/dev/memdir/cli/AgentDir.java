package dev.memdir.cli;

import dev.memdir.Agent;
import dev.memdir.format.Problem;
import dev.memdir.format.WriteLock;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The agent directory as the first positional parameter, on the commands that take one. */
final class AgentDir {
  /** The agent.yaml key the search commands need. */
  static final String SEARCH = "search";

  @Parameters(index = "0", paramLabel = "DIR", description = "The agent directory.")
  Path path;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /**
   * Opens the agent; fails when one of the agent.yaml keys {@code needs} is broken, and warns about
   * the other broken keys, which this command does without.
   */
  Agent open(String... needs) {
    return open(spec, path, WriteLock.DEFAULT_WAIT, needs);
  }

  /** Opens the agent, waiting up to {@code --wait} while another writer holds it. */
  Agent open(WaitOption wait, String... needs) {
    return open(spec, path, wait.duration(), needs);
  }

  /** Opens the agent for a turn, which needs every key of agent.yaml. */
  Agent openForTurn(Duration wait) {
    Agent agent = Agent.open(path, wait);
    try {
      agent.requireConfig();
    } catch (RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  /** Opens the agent in {@code dir} for the command {@code spec}, as {@link #open(String...)}. */
  static Agent open(CommandSpec spec, Path dir, Duration wait, String... needs) {
    Agent agent = Agent.open(dir, wait);
    try {
      if (needs.length > 0) {
        agent.requireConfig(needs);
      }
    } catch (RuntimeException e) {
      agent.close();
      throw e;
    }
    PrintWriter err = spec.commandLine().getErr();
    for (Problem p : agent.configProblems()) {
      err.println("memdir: warning: " + p + " (ignored for this command)");
    }
    err.flush();
    return agent;
  }
}
