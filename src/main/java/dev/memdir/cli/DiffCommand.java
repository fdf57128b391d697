package dev.memdir.cli;

import dev.memdir.format.Layout;
import dev.memdir.git.AgentRepo;
import dev.memdir.git.Versions;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "What changed in the agent's files, as a unified diff, with git diff's meaning:",
      "  memdir diff DIR           uncommitted changes: HEAD to the working tree",
      "  memdir diff DIR REV       REV to the working tree",
      "  memdir diff DIR REV TO    REV to TO (commits only)",
      "New files of the agent count as changes; .memdir/ and ignored files do not."
    })
final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "REV",
      description = "A commit, like HEAD~3 or a1b2c3d (default: HEAD).")
  String rev;

  @Parameters(
      index = "2",
      arity = "0..1",
      paramLabel = "TO",
      description = "A commit to compare with (default: the working tree).")
  String to;

  @Override
  public Integer call() {
    try (AgentRepo repo = AgentRepo.open(Layout.of(dir.path), Clock.systemUTC())) {
      Cli.out(spec)
          .print(new Versions(repo).diff(Optional.ofNullable(rev), Optional.ofNullable(to)));
    }
    return 0;
  }
}
