package dev.memdir.cli;

import dev.memdir.Agent;
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
    name = "undo",
    mixinStandardHelpOptions = true,
    description =
        "Revert the core-memory change of REV (default: the newest agent commit that changed"
            + " memory) as a new commit; later edits are kept.")
final class UndoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Parameters(index = "1", arity = "0..1", paramLabel = "REV")
  String rev;

  @Mixin WaitOption wait;

  @Override
  public Integer call() {
    try (Agent agent = dir.open(wait);
        Agent.Turn t = agent.turn();
        AgentRepo repo = AgentRepo.open(agent.layout(), Clock.systemUTC())) {
      Cli.out(spec).println(new Versions(repo).undo(Optional.ofNullable(rev)));
    }
    return 0;
  }
}
