package dev.memdir.git;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one commit changes in an agent, as its message says it: {@code memory: human +1 line},
 * {@code archival: +2 facts}, {@code history: +6 records}.
 */
final class ChangeSummary {
  private final Map<String, int[]> blocks = new TreeMap<>();
  private final List<String> other = new ArrayList<>();
  private int factsAdded;
  private int factsRemoved;
  private int records;

  /** A block's lines added and removed; {@code created} or {@code deleted} for whole files. */
  void block(String label, int added, int removed) {
    int[] c = blocks.computeIfAbsent(label, k -> new int[2]);
    c[0] += added;
    c[1] += removed;
  }

  void fact(boolean added) {
    if (added) {
      factsAdded++;
    } else {
      factsRemoved++;
    }
  }

  void records(int added) {
    records += added;
  }

  void other(String path) {
    other.add(path);
  }

  boolean isEmpty() {
    return blocks.isEmpty()
        && factsAdded == 0
        && factsRemoved == 0
        && records == 0
        && other.isEmpty();
  }

  /** One line per kind of change, in a fixed order (memory, archival, history, other files). */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, int[]> e : blocks.entrySet()) {
      out.add("memory: " + e.getKey() + lineCounts(e.getValue()[0], e.getValue()[1]));
    }
    if (factsAdded > 0 || factsRemoved > 0) {
      List<String> parts = new ArrayList<>();
      if (factsAdded > 0) {
        parts.add("+" + plural(factsAdded, "fact"));
      }
      if (factsRemoved > 0) {
        parts.add("-" + plural(factsRemoved, "fact"));
      }
      out.add("archival: " + String.join(" ", parts));
    }
    if (records > 0) {
      out.add("history: +" + plural(records, "record"));
    }
    if (!other.isEmpty()) {
      out.add("files: " + String.join(", ", other));
    }
    return out;
  }

  private static String lineCounts(int added, int removed) {
    if (added == 0 && removed == 0) {
      return " front matter";
    }
    StringBuilder s = new StringBuilder();
    if (added > 0) {
      s.append(" +").append(plural(added, "line"));
    }
    if (removed > 0) {
      s.append(" -").append(plural(removed, "line"));
    }
    return s.toString();
  }

  static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
