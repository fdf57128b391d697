package dev.memdir.search;

import java.time.Duration;
import java.util.List;

/**
 * What {@link Search#reindex} indexed.
 *
 * @param files files under {@code files/} indexed
 * @param passages passages cut from them
 * @param facts archival facts indexed
 * @param messages history messages indexed
 * @param skipped what was left out and why, one line each
 * @param took how long the rebuild took
 */
public record ReindexReport(
    int files, int passages, int facts, long messages, List<String> skipped, Duration took) {
  /** Copies the list. */
  public ReindexReport {
    skipped = List.copyOf(skipped);
  }

  /** One line: what was indexed and how fast. */
  public String summary() {
    return String.format(
        java.util.Locale.ROOT,
        "indexed %d files (%d passages), %d facts, %d messages in %.2f s",
        files,
        passages,
        facts,
        messages,
        took.toNanos() / 1e9);
  }
}
