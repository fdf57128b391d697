package dev.memdir.cli;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.format.AgentConfig;
import dev.memdir.git.AgentRepo;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = "Create a new agent directory.")
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The folder to create the agent in.")
  Path dir;

  @Option(names = "--name", description = "The agent's name (default: the folder's name).")
  String name;

  @Option(names = "--persona", description = "Text of the persona block ('-' reads stdin).")
  String persona;

  @Option(names = "--human", description = "Text of the human block ('-' reads stdin).")
  String human;

  @Option(
      names = "--model",
      converter = Opts.Model.class,
      description = "provider/name (default: ${DEFAULT-VALUE}).",
      defaultValue = AgentConfig.DEFAULT_MODEL)
  String model;

  @Option(
      names = "--git",
      description =
          "Version the agent with git: a repository (unless one holds DIR already),"
              + " .gitattributes, 'git: autocommit: true' and a first commit.")
  boolean git;

  @Override
  public Integer call() {
    InitOptions options =
        new InitOptions(
            Optional.ofNullable(name),
            Optional.ofNullable(persona).map(p -> Cli.text(spec, p)),
            Optional.ofNullable(human).map(h -> Cli.text(spec, h)),
            model);
    try (Agent agent = Agent.init(dir, options)) {
      if (git) {
        try (AgentRepo repo = AgentRepo.init(agent.layout(), Clock.systemUTC())) {
          Cli.out(spec)
              .println(
                  "versioned with git"
                      + (repo.prefix().isEmpty()
                          ? ""
                          : " (inside a larger repository, as " + repo.prefix() + ")"));
        }
      }
      Cli.out(spec).println("created agent '" + agent.config().name() + "' in " + dir);
    }
    return 0;
  }
}
