package dev.memdir.format;

import dev.memdir.FormatException;
import java.util.Objects;

/**
 * One thing wrong in an agent directory, printed as {@code path:line: message}.
 *
 * @param severity an error stops the thing from being used; a warning does not
 * @param file the file relative to the agent directory, with forward slashes
 * @param line the 1-based line, or 0 when not on one line
 * @param message what is wrong and, where it helps, what to do
 */
public record Problem(Severity severity, String file, int line, String message) {

  /** Errors make {@code validate} fail; warnings are printed only. */
  public enum Severity {
    ERROR,
    WARNING
  }

  /** Validates the fields. */
  public Problem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0, got " + line);
    }
  }

  /** An error. */
  public static Problem error(String file, int line, String message) {
    return new Problem(Severity.ERROR, file, line, message);
  }

  /** A warning. */
  public static Problem warning(String file, int line, String message) {
    return new Problem(Severity.WARNING, file, line, message);
  }

  /** An error from a format exception. */
  public static Problem of(FormatException e) {
    return error(e.file(), e.line(), e.detail());
  }

  /** Whether this is an error. */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  @Override
  public String toString() {
    return (line > 0 ? file + ":" + line : file) + ": " + message;
  }
}
