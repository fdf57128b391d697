package dev.memdir;

import java.util.Objects;

/**
 * A file in the agent directory does not follow the format; the message names the file and line, as
 * in {@code memory/human.md:3: front matter: 'limit' must be a positive integer, got "lots"}.
 */
public class FormatException extends MemdirException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;

  /**
   * Creates a format error.
   *
   * @param file the file, relative to the agent directory, with forward slashes
   * @param line the 1-based line, or 0 when the problem is not on one line
   * @param detail what is wrong
   */
  public FormatException(String file, int line, String detail) {
    super(location(file, line) + ": " + detail);
    this.file = Objects.requireNonNull(file, "file");
    this.line = line;
  }

  /** The file, relative to the agent directory. */
  public String file() {
    return file;
  }

  /** The 1-based line, or 0 when the problem is not on one line. */
  public int line() {
    return line;
  }

  /** The message without its {@code file:line: } prefix. */
  public String detail() {
    String prefix = location(file, line) + ": ";
    return getMessage().substring(prefix.length());
  }

  static String location(String file, int line) {
    return line > 0 ? file + ":" + line : file;
  }
}
