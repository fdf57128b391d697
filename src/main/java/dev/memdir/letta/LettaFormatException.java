package dev.memdir.letta;

import dev.memdir.FormatException;

/**
 * A Letta file that cannot be imported, naming the file and the JSON path of the bad field, as in
 * {@code bad.af: agents[0].memory_blocks[2].label: missing}.
 */
public final class LettaFormatException extends FormatException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param file the file's name as the user gave it
   * @param line the 1-based line for a JSON syntax error, 0 otherwise
   * @param detail the field's path and what is wrong with it
   */
  public LettaFormatException(String file, int line, String detail) {
    super(file, line, detail);
  }
}
