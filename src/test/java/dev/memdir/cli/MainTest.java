package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class MainTest {
  private static CommandLine commandLine(String... args) {
    return Main.commandLine(new Main(InputStream.nullInputStream()), args);
  }

  private static String[] allNames() {
    return Arrays.stream(Main.class.getAnnotation(Command.class).subcommands())
        .map(c -> c.getAnnotation(Command.class).name())
        .toArray(String[]::new);
  }

  @Test
  void aNamedCommandBuildsOnlyItsOwnModel() {
    assertThat(commandLine("show", "agent").getSubcommands().keySet()).containsExactly("show");
    assertThat(commandLine("history", "append", "agent", "hi").getSubcommands().keySet())
        .containsExactly("history");
  }

  @Test
  void versionBuildsNoCommandModel() {
    assertThat(commandLine("--version").getSubcommands()).isEmpty();
    CliTest.Result r = CliTest.run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("memdir ");
  }

  @Test
  void helpAndNoCommandListEveryCommand() {
    assertThat(commandLine("--help").getSubcommands().keySet()).containsExactly(allNames());
    assertThat(commandLine().getSubcommands().keySet()).containsExactly(allNames());
    CliTest.Result help = CliTest.run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Usage: memdir [-hV] [COMMAND]").contains(allNames());
    CliTest.Result none = CliTest.run();
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("a command is required").contains(allNames());
  }

  @Test
  void aMistypedCommandIsAUsageErrorWithASuggestion() {
    CliTest.Result r = CliTest.run("shw", "agent");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Unmatched arguments").contains("Did you mean: memdir show?");
  }

  @Test
  void aNamedCommandStillReportsItsUsageErrors() {
    CliTest.Result r = CliTest.run("show");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("Missing required parameter: 'DIR'")
        .contains("Usage: memdir show");
  }
}
