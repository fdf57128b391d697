package dev.memdir.llm;

/**
 * Tokens a request used, as the server counted them.
 *
 * @param inputTokens prompt tokens, cached ones included
 * @param outputTokens generated tokens, reasoning included
 * @param cachedInputTokens the part of {@code inputTokens} read from the provider's prompt cache
 *     (OpenAI {@code cached_tokens}, Anthropic {@code cache_read_input_tokens}); 0 when not
 *     reported
 * @param cacheWriteTokens the part of {@code inputTokens} written to the prompt cache (Anthropic
 *     {@code cache_creation_input_tokens}); 0 when not reported
 */
public record Usage(
    long inputTokens, long outputTokens, long cachedInputTokens, long cacheWriteTokens) {
  /** No tokens; also what a server that reports no usage gives. */
  public static final Usage ZERO = new Usage(0, 0);

  /** Validates the counts. */
  public Usage {
    if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0 || cacheWriteTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be >= 0, got "
              + inputTokens
              + ", "
              + outputTokens
              + ", "
              + cachedInputTokens
              + " and "
              + cacheWriteTokens);
    }
  }

  /** Counts without cache figures. */
  public Usage(long inputTokens, long outputTokens) {
    this(inputTokens, outputTokens, 0, 0);
  }

  /** Input plus output tokens. */
  public long total() {
    return inputTokens + outputTokens;
  }

  /** The sum of this and {@code other}. */
  public Usage plus(Usage other) {
    return new Usage(
        inputTokens + other.inputTokens,
        outputTokens + other.outputTokens,
        cachedInputTokens + other.cachedInputTokens,
        cacheWriteTokens + other.cacheWriteTokens);
  }
}
