package dev.memdir.bench.locomo;

import dev.memdir.LlmException;
import dev.memdir.MemdirException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One pause shared by every worker of a run: when a request is still rate-limited after the
 * client's own retries, every worker waits (base × 2^attempt, at most {@code max}) before its next
 * request, so {@code --parallel N} slows down as one instead of N workers hammering the limit.
 */
final class SharedBackoff {
  /** How often one request is tried again after a rate limit. */
  static final int MAX_RETRIES = 6;

  private final Duration base;
  private final Duration max;
  private final AtomicInteger waits = new AtomicInteger();
  private long notBefore = System.nanoTime();

  SharedBackoff(Duration base, Duration max) {
    this.base = base;
    this.max = max;
  }

  /** The defaults: 2 s doubling up to 60 s. */
  static SharedBackoff defaults() {
    return new SharedBackoff(Duration.ofSeconds(2), Duration.ofSeconds(60));
  }

  /** Runs {@code call}, waiting out every worker's rate limits first. */
  <T> T call(Supplier<T> call) {
    for (int attempt = 0; ; attempt++) {
      await();
      try {
        return call.get();
      } catch (LlmException e) {
        if (e.kind() != LlmException.Kind.RATE_LIMITED || attempt >= MAX_RETRIES) {
          throw e;
        }
        waits.incrementAndGet();
        long pause = Math.min(max.toNanos(), base.toNanos() << Math.min(attempt, 20));
        synchronized (this) {
          notBefore = Math.max(notBefore, System.nanoTime() + pause);
        }
      }
    }
  }

  /** How many times a request was paused for a rate limit. */
  int waits() {
    return waits.get();
  }

  private void await() {
    while (true) {
      long left;
      synchronized (this) {
        left = notBefore - System.nanoTime();
      }
      if (left <= 0) {
        return;
      }
      try {
        Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MemdirException("interrupted while waiting out a rate limit", e);
      }
    }
  }
}
