package dev.memdir.bench.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One line of the figures table: an attack family, how often it was tried, and how it went.
 *
 * @param family the attack family (crash, save, path, bomb, malformed)
 * @param name the attack
 * @param trials how many times it was tried
 * @param failures trials that missed the goal
 * @param lost the goal figure: acknowledged operations or edits lost, escapes, unbounded bombs or
 *     messages without path:line
 * @param worstMillis the slowest trial, or -1 when time is not the point
 * @param worstMib the largest peak heap of a trial, or -1 when not measured
 * @param examples up to three failures, for the reader
 */
record Row(
    String family,
    String name,
    int trials,
    int failures,
    long lost,
    long worstMillis,
    long worstMib,
    List<String> examples) {
  Row {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(name, "name");
    examples = List.copyOf(examples);
  }

  boolean goalMet() {
    return trials > 0 && failures == 0 && lost == 0;
  }

  /** Counts the trials of one row. Thread-safe. */
  static final class Tally {
    private final String family;
    private final String name;
    private int trials;
    private int failures;
    private long lost;
    private long worstMillis = -1;
    private long worstMib = -1;
    private final List<String> examples = new ArrayList<>();
    private final int maxExamples;

    Tally(String family, String name) {
      this(family, name, 3);
    }

    /** A tally that keeps up to {@code maxExamples} failures to show. */
    Tally(String family, String name, int maxExamples) {
      this.family = family;
      this.name = name;
      this.maxExamples = maxExamples;
    }

    synchronized void pass() {
      trials++;
    }

    synchronized void fail(String why) {
      trials++;
      failures++;
      if (examples.size() < maxExamples) {
        examples.add(Child.oneLine(why, 240));
      }
    }

    /** One trial that passed when {@code problems} is empty. */
    synchronized void trial(List<String> problems) {
      if (problems.isEmpty()) {
        pass();
      } else {
        fail(String.join("; ", problems));
      }
    }

    synchronized void lost(long n) {
      lost += n;
    }

    synchronized void time(long millis) {
      worstMillis = Math.max(worstMillis, millis);
    }

    synchronized void memory(long mib) {
      worstMib = Math.max(worstMib, mib);
    }

    synchronized Row row() {
      return new Row(family, name, trials, failures, lost, worstMillis, worstMib, examples);
    }
  }
}
