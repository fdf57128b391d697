package dev.memdir.cli;

import dev.memdir.Agent;
import dev.memdir.search.Results;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "close",
    mixinStandardHelpOptions = true,
    description = "Close file windows (close_files).")
final class CloseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "FILE",
      description = "Files to close, relative to files/.")
  List<String> files = new ArrayList<>();

  @Override
  public Integer call() {
    try (Agent agent = dir.open(AgentDir.SEARCH)) {
      Results<String> r = agent.search().closeFiles(files);
      for (String f : r.hits()) {
        Cli.out(spec).println("closed " + f);
      }
      Cli.notes(spec, r.notes());
    }
    return 0;
  }
}
