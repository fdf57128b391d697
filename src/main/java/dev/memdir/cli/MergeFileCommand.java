package dev.memdir.cli;

import dev.memdir.git.MergeDriver;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "merge-file",
    mixinStandardHelpOptions = true,
    description =
        "The git merge driver init --git configures (merge.memdir.driver): merges THEIRS into"
            + " OURS in place; history as the union of records in time order, other files by line"
            + " with both sides kept and marked on a conflict.")
final class MergeFileCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "BASE")
  Path base;

  @Parameters(index = "1", paramLabel = "OURS")
  Path ours;

  @Parameters(index = "2", paramLabel = "THEIRS")
  Path theirs;

  @Parameters(index = "3", paramLabel = "PATH", description = "The file's path in the repository.")
  String path;

  @Override
  public Integer call() {
    MergeDriver.mergeFile(base, ours, theirs, path);
    return 0;
  }
}
