package dev.memdir;

/**
 * The root of memdir's unchecked exceptions; its message is meant for the person at the keyboard.
 */
public class MemdirException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what went wrong and where. */
  public MemdirException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the low-level cause. */
  public MemdirException(String message, Throwable cause) {
    super(message, cause);
  }
}
