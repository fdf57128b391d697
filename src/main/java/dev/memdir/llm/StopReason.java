package dev.memdir.llm;

/** Why the model stopped generating. */
public enum StopReason {
  /** It finished its answer. */
  END_TURN,
  /** It called tools and waits for their results. */
  TOOL_CALLS,
  /** It hit the max-tokens limit: the reply is incomplete. */
  MAX_TOKENS,
  /** It produced a stop sequence. */
  STOP_SEQUENCE,
  /** A content filter stopped it. */
  CONTENT_FILTER,
  /**
   * The model refused to answer (OpenAI {@code refusal}, Anthropic {@code stop_reason: refusal});
   * {@link ChatResponse#refusal()} says why when the provider does.
   */
  REFUSAL,
  /** Any other reason the server gave. */
  OTHER;

  /** The reason as written in JSON: lower case with underscores. */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
