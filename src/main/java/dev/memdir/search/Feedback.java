package dev.memdir.search;

/**
 * Pseudo-relevance feedback for {@code search_files}: search once, take the top {@code docs}
 * passages, add their best {@code terms} terms not in the query (RM3-like: weighted by the
 * passage's share of the top score, frequency in the passage and IDF) at up to {@code weight} of a
 * query term, and search again.
 *
 * @param docs how many top passages feed the expansion; 0 switches feedback off
 * @param terms how many expansion terms, 0 to 100
 * @param weight the weight of the best expansion term, a query term weighing 1
 */
public record Feedback(int docs, int terms, double weight) {
  /** No feedback: one search with the query as given. */
  public static final Feedback OFF = new Feedback(0, 0, 0);

  /** Validates the fields. */
  public Feedback {
    if (docs < 0 || docs > 50 || terms < 0 || terms > 100 || !(weight >= 0 && weight <= 10)) {
      throw new IllegalArgumentException(
          "feedback needs docs 0-50, terms 0-100, weight 0-10, got "
              + docs
              + ", "
              + terms
              + ", "
              + weight);
    }
  }

  /** Whether feedback changes the ranking. */
  public boolean on() {
    return docs > 0 && terms > 0 && weight > 0;
  }
}
