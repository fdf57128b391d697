package dev.memdir.llm;

/**
 * Tokens a request used, as the server counted them.
 *
 * @param inputTokens prompt tokens, cached ones included
 * @param outputTokens generated tokens
 */
public record Usage(long inputTokens, long outputTokens) {
  /** No tokens; also what a server that reports no usage gives. */
  public static final Usage ZERO = new Usage(0, 0);

  /** Validates the counts. */
  public Usage {
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be >= 0, got " + inputTokens + " and " + outputTokens);
    }
  }

  /** Input plus output tokens. */
  public long total() {
    return inputTokens + outputTokens;
  }

  /** The sum of this and {@code other}. */
  public Usage plus(Usage other) {
    return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens);
  }
}
