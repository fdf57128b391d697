package dev.memdir.search;

/** Tells text from binary the way grep does: a NUL byte near the start means binary. */
final class Binary {
  /** How many leading bytes are looked at. */
  static final int SNIFF_BYTES = 8_000;

  private Binary() {}

  /** Whether the bytes look like a binary file. */
  static boolean looksBinary(byte[] bytes) {
    int n = Math.min(bytes.length, SNIFF_BYTES);
    for (int i = 0; i < n; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }
}
