package dev.memdir.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --wait SECONDS}, on every command that writes to the agent. */
final class WaitOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "10",
      converter = Opts.Seconds.class,
      description =
          "How long to wait while another writer (a chat turn, another command) holds the agent"
              + " (default: ${DEFAULT-VALUE}).")
  double seconds;

  /** The wait as a duration; a usage error when negative or absurd. */
  Duration duration() {
    if (!(seconds >= 0 && seconds <= 86_400)) {
      throw new ParameterException(
          spec.commandLine(), "--wait must be 0 to 86400 seconds, got " + seconds);
    }
    return Duration.ofMillis(Math.round(seconds * 1000));
  }
}
