package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty turns with random model faults leave a consistent history (the 1,000-turn run is
 * LlmFaultBenchmark). The seed is printed on failure; rerun with -Dtests.seed=N.
 */
class LlmFaultRunTest {
  @TempDir Path dir;

  @Test
  void fiftyTurnsWithRandomModelFaultsLeaveNoHistoryInconsistency() {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    FaultRun.Result r = FaultRun.run(dir, seed, 50, Duration.ofSeconds(1));

    assertThat(r.inconsistencies())
        .as("seed %d (rerun: -Dtests.seed=%d); %s", seed, seed, r)
        .isEmpty();
    assertThat(r.completed() + r.failedCleanly()).as("seed %d", seed).isEqualTo(50);
    assertThat(r.faults()).as("seed %d", seed).isNotEmpty();
  }
}
