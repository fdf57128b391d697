package dev.memdir.format;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * A JSON parse error in words a person reads: the column and the parser's reason, without Jackson's
 * source excerpt, feature names or character codes.
 */
public final class JsonErrors {
  private JsonErrors() {}

  /** The 1-based line of the error, or 0 when the parser gave none. */
  public static int line(JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    return loc == null ? 0 : Math.max(0, loc.getLineNr());
  }

  /** The reason, as {@code column 5: unexpected character ','}. */
  public static String reason(JsonProcessingException e) {
    String why = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
    // "Unexpected character (',' (code 44)): was expecting ..." -> "Unexpected character ','..."
    why = why.replaceAll("\\('(.+?)' \\(code \\d+\\)\\)", "'$1'");
    why = why.replaceAll(" \\(code \\d+\\)", "");
    why = why.replaceAll("\\s*at \\[Source:.*$", "");
    JsonLocation loc = e.getLocation();
    return loc == null || loc.getColumnNr() < 1 ? why : "column " + loc.getColumnNr() + ": " + why;
  }
}
