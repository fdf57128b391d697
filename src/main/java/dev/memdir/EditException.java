package dev.memdir;

/**
 * An edit was refused and nothing was written: the old text was not found or was ambiguous, the
 * result would pass a limit, the target is read-only, or a person changed the file meanwhile.
 */
public class EditException extends MemdirException {
  private static final long serialVersionUID = 1L;

  /** Creates a refusal whose message says why and what to do. */
  public EditException(String message) {
    super(message);
  }
}
