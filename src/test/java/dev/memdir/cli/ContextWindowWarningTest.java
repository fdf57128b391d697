package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** validate warns when the fixed parts of the prompt do not fit; doctor shows every warning. */
class ContextWindowWarningTest {
  @TempDir Path tmp;

  private String agentWithWindow(String window) throws Exception {
    Path dir = tmp.resolve("ada" + window);
    assertThat(CliTest.run("init", dir.toString(), "--model", "ollama/qwen2.5:7b").code()).isZero();
    Path yaml = dir.resolve("agent.yaml");
    Files.writeString(
        yaml,
        Files.readString(yaml).replaceFirst("context_window: \\d+", "context_window: " + window));
    return dir.toString();
  }

  @Test
  void aWindowSmallerThanTheFixedPartsIsAWarningThatDoctorShows() throws Exception {
    String d = agentWithWindow("100");
    CliTest.Result v = CliTest.run("validate", d);
    assertThat(v.out())
        .contains("context_window 100 is too small: the parts sent on every step")
        .contains("tools alone 1,".replace(",", ""))
        .contains("1 warning(s)");
    CliTest.Result doctor = CliTest.run("doctor", d);
    assertThat(doctor.out())
        .contains("warning  agent: agent.yaml: context_window 100 is too small");
  }

  @Test
  void aWindowTheFixedPartsCrowdIsAWarningAndARoomyOneIsNot() throws Exception {
    assertThat(CliTest.run("validate", agentWithWindow("3000")).out())
        .contains("context_window 3000 is crowded:")
        .contains("for messages before the history is summarised");
    assertThat(CliTest.run("validate", agentWithWindow("32000")).out())
        .doesNotContain("context_window");
  }
}
