package dev.memdir.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void backoffStaysUnderADoublingCapThatStopsAtMaxDelay() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    RetryPolicy p =
        RetryPolicy.DEFAULT.withRandom(random::nextDouble).withBudget(Duration.ofDays(1));
    try {
      for (int i = 0; i < 1000; i++) {
        int retry = 1 + random.nextInt(12);
        Duration d = p.delay(retry, Optional.empty(), Duration.ZERO).orElseThrow();
        long cap = Math.min(1000L << Math.min(retry - 1, 20), 30_000L);
        assertThat(d.toMillis()).isBetween(0L, cap);
      }
    } catch (AssertionError e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
    }
  }

  @Test
  void retryAfterReplacesTheBackoffWhileTheBudgetLasts() {
    RetryPolicy p = RetryPolicy.DEFAULT.withBudget(Duration.ofSeconds(10));

    assertThat(p.delay(1, Optional.of(Duration.ofSeconds(7)), Duration.ZERO))
        .contains(Duration.ofSeconds(7));
    assertThat(p.delay(2, Optional.of(Duration.ofSeconds(7)), Duration.ofSeconds(7))).isEmpty();
  }

  @Test
  void theBackoffIsCutToWhatIsLeftOfTheBudgetAndStopsWhenItIsSpent() {
    RetryPolicy p = RetryPolicy.DEFAULT.withRandom(() -> 0.99).withBudget(Duration.ofSeconds(3));

    assertThat(p.delay(3, Optional.empty(), Duration.ofSeconds(2))).contains(Duration.ofSeconds(1));
    assertThat(p.delay(3, Optional.empty(), Duration.ofSeconds(3))).isEmpty();
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    assertThat(Http.retryAfter(Optional.of("2"))).contains(Duration.ofSeconds(2));
    assertThat(Http.retryAfter(Optional.of("0.5"))).contains(Duration.ofMillis(500));
    assertThat(Http.retryAfter(Optional.of("Wed, 21 Oct 2015 07:28:00 GMT")))
        .contains(Duration.ZERO);
    assertThat(Http.retryAfter(Optional.of("soon"))).isEmpty();
    assertThat(Http.retryAfter(Optional.empty())).isEmpty();
  }
}
