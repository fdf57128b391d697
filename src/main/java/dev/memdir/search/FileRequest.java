package dev.memdir.search;

import java.util.Objects;

/**
 * One file to open with {@link Search#openFiles}: {@code file_name}, {@code offset} and {@code
 * length} of Letta's {@code open_files}.
 *
 * @param fileName the file, relative to {@code files/}
 * @param offset the first line shown, 1-based
 * @param length how many lines are shown
 */
public record FileRequest(String fileName, int offset, int length) {
  /** Lines shown when no length is given. */
  public static final int DEFAULT_LENGTH = 100;

  /** Checks that the name is there; the values are checked and capped when the file is opened. */
  public FileRequest {
    Objects.requireNonNull(fileName, "fileName");
  }

  /** The first {@link #DEFAULT_LENGTH} lines of {@code fileName}. */
  public static FileRequest of(String fileName) {
    return new FileRequest(fileName, 1, DEFAULT_LENGTH);
  }
}
