package dev.memdir.cli;

import dev.memdir.format.Layout;
import dev.memdir.git.AgentRepo;
import dev.memdir.git.Versions;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = "What changed in the agent's files from REV to TO (default: HEAD), as a diff.")
final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Parameters(index = "1", paramLabel = "REV", description = "A commit, like HEAD~3 or a1b2c3d.")
  String rev;

  @Parameters(index = "2", arity = "0..1", paramLabel = "TO", defaultValue = "HEAD")
  String to;

  @Override
  public Integer call() {
    try (AgentRepo repo = AgentRepo.open(Layout.of(dir.path), Clock.systemUTC())) {
      Cli.out(spec).print(new Versions(repo).diff(rev, to));
    }
    return 0;
  }
}
