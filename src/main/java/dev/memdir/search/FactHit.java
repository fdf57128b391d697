package dev.memdir.search;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One archival fact found by {@link Search#archivalMemorySearch}.
 *
 * @param id the fact's id
 * @param created when it was stored
 * @param tags its tags
 * @param text the fact
 * @param score its BM25 score (0 when the search had only filters)
 * @param file its file, relative to the agent directory
 */
public record FactHit(
    String id, Instant created, List<String> tags, String text, double score, String file) {

  /** Validates and copies. */
  public FactHit {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(file, "file");
    tags = List.copyOf(tags);
  }
}
