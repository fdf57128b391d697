package dev.memdir.llm;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed request again: exponential backoff with full jitter, the server's {@code
 * Retry-After} honoured, at most {@code maxAttempts} tries and {@code budget} of waiting in all.
 *
 * @param maxAttempts the most tries of one request, the first included
 * @param initialDelay the backoff cap before the first retry; doubled for each later one
 * @param maxDelay the largest backoff cap
 * @param budget the most time spent waiting between tries of one request
 * @param sleeper how to wait; tests pass one that records instead of sleeping
 * @param random uniform numbers in [0, 1) for the jitter
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialDelay,
    Duration maxDelay,
    Duration budget,
    Sleeper sleeper,
    DoubleSupplier random) {

  /** Four tries, waits from up to 1 s doubling to up to 30 s, at most 90 s of waiting. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(
          4,
          Duration.ofSeconds(1),
          Duration.ofSeconds(30),
          Duration.ofSeconds(90),
          Sleeper.REAL,
          () -> ThreadLocalRandom.current().nextDouble());

  /** One try, no retries. */
  public static final RetryPolicy NONE = DEFAULT.withMaxAttempts(1);

  /** Waits for a duration. */
  @FunctionalInterface
  public interface Sleeper {
    /** Thread.sleep. */
    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    /** Waits for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Validates the fields. */
  public RetryPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(random, "random");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    if (initialDelay.isNegative() || maxDelay.isNegative() || budget.isNegative()) {
      throw new IllegalArgumentException("delays and budget must not be negative");
    }
  }

  /** This policy with another number of tries. */
  public RetryPolicy withMaxAttempts(int n) {
    return new RetryPolicy(n, initialDelay, maxDelay, budget, sleeper, random);
  }

  /** This policy with another way to wait. */
  public RetryPolicy withSleeper(Sleeper newSleeper) {
    return new RetryPolicy(maxAttempts, initialDelay, maxDelay, budget, newSleeper, random);
  }

  /** This policy with another jitter source. */
  public RetryPolicy withRandom(DoubleSupplier newRandom) {
    return new RetryPolicy(maxAttempts, initialDelay, maxDelay, budget, sleeper, newRandom);
  }

  /** This policy with another waiting budget. */
  public RetryPolicy withBudget(Duration newBudget) {
    return new RetryPolicy(maxAttempts, initialDelay, maxDelay, newBudget, sleeper, random);
  }

  /**
   * How long to wait before retry number {@code retry} (1 for the first), or empty when the wait
   * would pass the remaining budget.
   *
   * @param retryAfter the server's {@code Retry-After}, which replaces the backoff when present
   * @param waited the time already spent waiting for this request
   */
  Optional<Duration> delay(int retry, Optional<Duration> retryAfter, Duration waited) {
    Duration left = budget.minus(waited);
    if (retryAfter.isPresent()) {
      return retryAfter.get().compareTo(left) <= 0 ? retryAfter : Optional.empty();
    }
    if (left.isNegative() || left.isZero()) {
      return Optional.empty();
    }
    long capNanos = initialDelay.toNanos();
    for (int i = 1; i < retry && capNanos < maxDelay.toNanos(); i++) {
      capNanos *= 2;
    }
    capNanos = Math.min(capNanos, maxDelay.toNanos());
    long jittered = (long) (random.getAsDouble() * capNanos);
    return Optional.of(Duration.ofNanos(Math.min(jittered, left.toNanos())));
  }
}
