package dev.memdir.cli;

import dev.memdir.Agent;
import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** The agent directory as the first positional parameter, on the commands that take one. */
final class AgentDir {
  @Parameters(index = "0", paramLabel = "DIR", description = "The agent directory.")
  Path path;

  /** Opens the agent. */
  Agent open() {
    return Agent.open(path);
  }

  /** Opens the agent, waiting up to {@code --wait} while another writer holds it. */
  Agent open(WaitOption wait) {
    return Agent.open(path, wait.duration());
  }
}
