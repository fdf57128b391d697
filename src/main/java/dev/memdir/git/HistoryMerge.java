package dev.memdir.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memdir.history.ConflictMarker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges two versions of a history segment: every record of either side, once per id, in time order
 * (ties by id, a ULID). Lines that are not records are kept once each, after the records;
 * conflict-marker lines are dropped. Nothing else is ever lost: history is append-only, so a record
 * missing on one side was appended by the other.
 */
final class HistoryMerge {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HistoryMerge() {}

  /** The merged segment, one record per line, each ending in a newline. */
  static String merge(String ours, String theirs) {
    Map<String, Line> records = new LinkedHashMap<>();
    Set<String> other = new LinkedHashSet<>();
    for (String side : List.of(ours, theirs)) {
      for (String l : side.split("\n", -1)) {
        String line = l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
        if (line.isBlank() || ConflictMarker.is(line)) {
          continue;
        }
        Line parsed = parse(line);
        if (parsed == null) {
          other.add(line);
        } else {
          records.putIfAbsent(parsed.id, parsed);
        }
      }
    }
    List<Line> sorted = new ArrayList<>(records.values());
    sorted.sort(Comparator.comparing((Line x) -> x.ts).thenComparing(x -> x.id));
    StringBuilder out = new StringBuilder();
    sorted.forEach(x -> out.append(x.text).append('\n'));
    other.forEach(x -> out.append(x).append('\n'));
    return out.toString();
  }

  static byte[] merge(byte[] ours, byte[] theirs) {
    return merge(
            new String(ours, StandardCharsets.UTF_8), new String(theirs, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The number of distinct record ids in a segment's text. */
  static int records(String text) {
    Set<String> ids = new LinkedHashSet<>();
    for (String l : text.split("\n")) {
      Line p = parse(l);
      if (p != null) {
        ids.add(p.id);
      }
    }
    return ids.size();
  }

  private record Line(String id, Instant ts, String text) {}

  private static Line parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      if (n == null || !n.path("id").isTextual() || !n.path("ts").isTextual()) {
        return null;
      }
      return new Line(n.get("id").textValue(), Instant.parse(n.get("ts").textValue()), line);
    } catch (IOException | DateTimeParseException e) {
      return null;
    }
  }
}
