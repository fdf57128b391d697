package dev.memdir.search;

import java.time.Instant;
import java.util.Objects;

/**
 * One history record found by {@link Search#conversationSearch}.
 *
 * @param id the record's ULID
 * @param ts when it was written
 * @param role its role ({@code user}, {@code assistant}, ...)
 * @param content its text (long texts are cut)
 * @param score its BM25 score (0 when the search had only filters)
 */
public record MessageHit(String id, Instant ts, String role, String content, double score) {
  /** Validates the fields. */
  public MessageHit {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  /** {@code [2026-11-26T08:30:00Z] user: text}. */
  public String render() {
    return "[" + ts + "] " + role + ": " + content;
  }
}
