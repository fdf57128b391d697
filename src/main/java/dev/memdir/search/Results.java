package dev.memdir.search;

import java.util.List;

/**
 * What a search found, with notes for the reader: why nothing was found, which values were capped,
 * when and why the index was rebuilt.
 *
 * @param <T> the kind of hit
 * @param hits the hits, best first
 * @param notes one line each; empty when there is nothing to say
 */
public record Results<T>(List<T> hits, List<String> notes) {
  /** Copies the lists. */
  public Results {
    hits = List.copyOf(hits);
    notes = List.copyOf(notes);
  }
}
