package dev.memdir.cli;

import dev.memdir.Agent;
import dev.memdir.git.AgentRepo;
import dev.memdir.git.Sync;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description =
        "Commit pending edits, fetch, merge (no history record or block text lost), push."
            + " Never force-pushes; a merge first saves the local branch as refs/memdir/backup/TIME.")
final class SyncCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "REMOTE",
      description = "A remote's name or URL (default: ${DEFAULT-VALUE}).",
      defaultValue = "origin")
  String remote;

  @Option(
      names = "--on-conflict",
      paramLabel = "keep-both|ours|theirs|fail",
      converter = Opts.OnConflict.class,
      description =
          "Where both sides changed the same lines of a file: keep both, marked (default),"
              + " ours, theirs, or fail and change nothing.",
      defaultValue = "keep-both")
  String onConflict;

  @Mixin WaitOption wait;

  @Override
  public Integer call() {
    Sync.Report r;
    try (Agent agent = dir.open(wait);
        Agent.Turn t = agent.turn();
        AgentRepo repo = AgentRepo.open(agent.layout(), Clock.systemUTC())) {
      r = new Sync(repo).run(remote, onConflict);
    }
    r.lines().forEach(Cli.out(spec)::println);
    return r.ok() ? 0 : 1;
  }
}
