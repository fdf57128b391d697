package dev.memdir.history;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

/**
 * ULIDs (ulid/spec): 48 bits of Unix milliseconds and 80 random bits, written as 26 characters of
 * Crockford base32, for example {@code 01JDX3M8Q4ZK6Y5W2R9T7C1B0A}. They sort by time as text, and
 * clones or branches appending at once do not collide. Ids made in the same millisecond by one
 * generator increase by one, so they keep their order.
 */
public final class Ulid {
  /** The length of a ULID. */
  public static final int LENGTH = 26;

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final long MAX_TIME = (1L << 48) - 1;
  private static final long LOW16 = 0xFFFFL;

  private final SecureRandom random = new SecureRandom();
  private long lastTime = -1;
  private long randomHigh; // the top 16 of the 80 random bits
  private long randomLow; // the other 64

  /** A generator; use one per log so ids of one millisecond stay ordered. */
  public Ulid() {}

  /**
   * The next id for a record at {@code time}.
   *
   * @throws IllegalArgumentException when {@code time} is before 1970 or past the year 10889
   */
  public synchronized String next(Instant time) {
    long ms = time.toEpochMilli();
    if (ms < 0 || ms > MAX_TIME) {
      throw new IllegalArgumentException("a ULID cannot hold the time " + time);
    }
    if (ms == lastTime) {
      randomLow++;
      if (randomLow == 0) {
        randomHigh = (randomHigh + 1) & LOW16;
        if (randomHigh == 0) {
          throw new IllegalStateException("more than 2^80 ids in one millisecond");
        }
      }
    } else {
      lastTime = ms;
      randomHigh = random.nextInt() & LOW16;
      randomLow = random.nextLong();
    }
    return encode((ms << 16) | randomHigh, randomLow);
  }

  static String encode(long high, long low) {
    char[] out = new char[LENGTH];
    long hi = high;
    long lo = low;
    for (int i = LENGTH - 1; i >= 0; i--) {
      out[i] = ALPHABET[(int) (lo & 31)];
      lo = (lo >>> 5) | (hi << 59);
      hi >>>= 5;
    }
    return new String(out);
  }

  /** Whether {@code s} is a ULID: 26 Crockford base32 characters, the first at most 7. */
  public static boolean isValid(String s) {
    if (s.length() != LENGTH || value(s.charAt(0)) > 7) {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      if (value(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The time a ULID carries, or empty when {@code s} is not a ULID. */
  public static Optional<Instant> timeOf(String s) {
    if (!isValid(s)) {
      return Optional.empty();
    }
    long ms = 0;
    for (int i = 0; i < 10; i++) {
      ms = (ms << 5) | value(s.charAt(i));
    }
    return Optional.of(Instant.ofEpochMilli(ms));
  }

  private static int value(char c) {
    char u = Character.toUpperCase(c);
    for (int i = 0; i < ALPHABET.length; i++) {
      if (ALPHABET[i] == u) {
        return i;
      }
    }
    return -1;
  }
}
