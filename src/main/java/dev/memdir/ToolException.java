package dev.memdir;

/**
 * A tool was called with arguments it cannot use (a path outside {@code files/}, an invalid regular
 * expression, a malformed date); the message says what was wrong and what to do instead, so a model
 * can correct its call.
 */
public class ToolException extends MemdirException {
  private static final long serialVersionUID = 1L;

  /** Creates a refusal whose message names the argument and the fix. */
  public ToolException(String message) {
    super(message);
  }
}
