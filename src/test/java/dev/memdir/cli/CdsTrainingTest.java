package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdsTrainingTest {
  @TempDir Path tmp;

  @Test
  void everyTrainingCommandSucceedsSoTheArchiveHoldsWhatTheyLoad() {
    StringWriter err = new StringWriter();
    int failures = CdsTraining.run(tmp, new PrintWriter(err));
    assertThat(err.toString()).isEmpty();
    assertThat(failures).isZero();
  }

  @Test
  void theShortCommandsArchiveRunsEveryCommandButTheSearchesAndTheBenchmark() {
    assertThat(CdsTraining.SHORT_COMMANDS)
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c).doesNotContain("search").doesNotContain("bench"))
        .contains(
            List.of("show", "DIR"),
            List.of("history", "append", "DIR", "Hello there", "--role", "user"));
    assertThat(CdsTraining.COMMANDS).containsAll(CdsTraining.SHORT_COMMANDS);
    StringWriter err = new StringWriter();
    assertThat(CdsTraining.run(tmp, CdsTraining.SHORT_COMMANDS, new PrintWriter(err))).isZero();
    assertThat(err.toString()).isEmpty();
  }
}
