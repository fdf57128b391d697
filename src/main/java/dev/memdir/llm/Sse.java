package dev.memdir.llm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads server-sent events: {@code event:} and {@code data:} lines, a blank line ends each. */
final class Sse {
  /** The longest event data accepted; a chat delta is tiny. */
  static final int MAX_EVENT_CHARS = 4 << 20;

  private Sse() {}

  /** One event. */
  record Event(String name, String data) {}

  /** Receives events until it returns false. */
  @FunctionalInterface
  interface EventHandler {
    boolean onEvent(Event event) throws IOException;
  }

  /**
   * Reads events from {@code in} and hands each to {@code handler}.
   *
   * @return true when the handler stopped the stream, false when the stream ended first
   */
  static boolean read(InputStream in, EventHandler handler) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 8192);
    String name = "";
    StringBuilder data = new StringBuilder();
    boolean hasData = false;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (line.isEmpty()) {
        if (hasData && !handler.onEvent(new Event(name, data.toString()))) {
          return true;
        }
        name = "";
        data.setLength(0);
        hasData = false;
      } else if (line.startsWith(":")) {
        continue; // a comment, used as a keep-alive
      } else {
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        if (field.equals("event")) {
          name = value;
        } else if (field.equals("data")) {
          if (hasData) {
            data.append('\n');
          }
          data.append(value);
          hasData = true;
          if (data.length() > MAX_EVENT_CHARS) {
            throw new BodyStream.TooLargeException(
                "a stream event is over " + MAX_EVENT_CHARS + " chars");
          }
        }
      }
    }
    return false;
  }
}
