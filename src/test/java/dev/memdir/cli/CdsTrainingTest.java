package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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
}
