package dev.memdir.tools;

/** Small helpers the tool classes share. */
final class Tools {
  private Tools() {}

  /** A value from a model, cleaned of control characters and cut, for messages. */
  static String shorten(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
  }
}
