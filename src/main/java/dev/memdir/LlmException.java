package dev.memdir;

import java.util.Objects;

/**
 * A call to a language model failed; the message is one line that says what happened and what to
 * do, for example {@code openai/gpt-4o-mini: the API key was rejected (HTTP 401): set
 * OPENAI_API_KEY to a valid key}. It never contains an API key.
 */
public class LlmException extends MemdirException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, which decides whether trying again can help. */
  public enum Kind {
    /** The key is missing, wrong or lacks permission. */
    AUTH(false),
    /** The endpoint does not serve the model. */
    UNKNOWN_MODEL(false),
    /** The model or server does not accept tools. */
    NO_TOOL_SUPPORT(false),
    /** The prompt is longer than the model's context window. */
    CONTEXT_TOO_LONG(false),
    /** The server refused the request as malformed. */
    BAD_REQUEST(false),
    /** The account has no credit or quota left. */
    QUOTA(false),
    /** Too many requests; the server asked to slow down. */
    RATE_LIMITED(true),
    /** The server failed or is overloaded (5xx). */
    SERVER_ERROR(true),
    /** No connection could be made. */
    UNREACHABLE(true),
    /** The connection was closed or reset before a reply started. */
    CONNECTION(true),
    /** No reply, or no next part of a streamed reply, within the timeout. */
    TIMEOUT(true),
    /** The reply was cut off in transfer: a short body or a stream that stopped early. */
    TRUNCATED(true),
    /** The model stopped at the max-tokens limit, so the answer is incomplete. */
    MAX_TOKENS(false),
    /** The reply was not in the expected format. */
    BAD_RESPONSE(false),
    /**
     * The model wrote output the server could not deliver, such as a tool call that does not match
     * its schema (Groq {@code tool_use_failed}): another sample may succeed, so it is retried once.
     */
    BAD_MODEL_OUTPUT(true),
    /** The model settings are incomplete, for example a missing key. */
    CONFIG(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    /** Whether the same request may succeed when sent again later. */
    public boolean retryable() {
      return retryable;
    }

    /** The kind as written in messages and JSON: lower case with underscores. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Kind kind;
  private final int status;

  /**
   * Creates an error.
   *
   * @param kind what went wrong
   * @param status the HTTP status, or 0 when there was none
   * @param message one line: what happened, then what to do
   */
  public LlmException(Kind kind, int status, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.status = status;
  }

  /** Creates an error caused by a lower-level exception. */
  public LlmException(Kind kind, int status, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.status = status;
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }

  /** Whether the same request may succeed when sent again later. */
  public boolean retryable() {
    return kind.retryable();
  }

  /** The HTTP status of the failed reply, or 0 when there was none. */
  public int status() {
    return status;
  }
}
