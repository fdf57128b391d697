package dev.memdir.bench.locomo;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Evidence recall as LoCoMo's {@code evaluation.py} computes it: the share of a question's evidence
 * strings found among the retrieved dia_ids, and 1 for a question without evidence.
 */
public final class Recall {
  private Recall() {}

  /**
   * The official convention: raw evidence strings compared as they are, so a malformed string such
   * as {@code "D8:6; D9:17"} never matches.
   */
  public static double official(List<String> rawEvidence, List<String> retrieved) {
    return share(rawEvidence, retrieved);
  }

  /** The same over normalised evidence ids (split, unpadded, resolved). */
  public static double normalized(List<String> normalizedEvidence, List<String> retrieved) {
    return share(normalizedEvidence, retrieved);
  }

  private static double share(List<String> evidence, List<String> retrieved) {
    if (evidence.isEmpty()) {
      return 1.0;
    }
    Set<String> got = new HashSet<>(retrieved);
    int found = 0;
    for (String e : evidence) {
      if (got.contains(e)) {
        found++;
      }
    }
    return (double) found / evidence.size();
  }
}
