package dev.memdir.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads an agent's history files as written and lists every inconsistency a failed turn could
 * leave. A turn runs from one {@code user} record to the next. Inconsistent are:
 *
 * <ol>
 *   <li>a line that is not a JSON object with {@code v}, {@code id}, {@code ts} and {@code role};
 *   <li>two {@code user} records with neither an {@code assistant} nor an error record between;
 *   <li>a tool call whose result is not recorded before the turn ends, or a result answering no
 *       call of its turn;
 *   <li>an {@code assistant} or {@code tool} record after an error record in the same turn, or two
 *       error records in one turn;
 *   <li>an error record that names as unanswered a record that is not the turn's user message, or a
 *       turn without model output whose error record does not name its user message.
 * </ol>
 *
 * An error record is an {@code event} record with an {@code error} field (docs/FORMAT.md).
 */
public final class HistoryConsistency {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HistoryConsistency() {}

  /** The problems of the agent in {@code agentDir}, each as {@code file:line: what}. */
  public static List<String> problems(Path agentDir) {
    List<String> out = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(agentDir.resolve("history"))) {
      files = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Turn turn = null;
    for (Path f : files) {
      List<String> lines;
      try {
        lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (int i = 0; i < lines.size(); i++) {
        String where = "history/" + f.getFileName() + ":" + (i + 1) + ": ";
        JsonNode r;
        try {
          r = MAPPER.readTree(lines.get(i));
        } catch (IOException e) {
          out.add(where + "not JSON");
          continue;
        }
        if (r == null
            || !r.isObject()
            || !r.has("v")
            || !r.has("id")
            || !r.has("ts")
            || !r.path("role").isTextual()) {
          out.add(where + "not a record");
          continue;
        }
        String role = r.path("role").asText();
        if (role.equals("user")) {
          if (turn != null) {
            turn.end(out);
            if (!turn.answered && !turn.failed) {
              out.add(where + "a second user message with no reply or error record between");
            }
          }
          turn = new Turn(where, r.path("id").asText());
          continue;
        }
        if (turn == null) {
          continue; // records before the first user message (imports, events)
        }
        turn.take(where, role, r, out);
      }
    }
    if (turn != null) {
      turn.end(out);
      if (!turn.answered && !turn.failed) {
        out.add(turn.where + "the last user message has no reply and no error record");
      }
    }
    return out;
  }

  /** The error records of the agent in {@code agentDir}. */
  public static List<JsonNode> errorRecords(Path agentDir) {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(agentDir.resolve("history"))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          JsonNode r = MAPPER.readTree(line);
          if (r.path("role").asText().equals("event") && r.has("error")) {
            out.add(r);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static final class Turn {
    final String where;
    final String userId;
    final Map<String, String> pending = new LinkedHashMap<>();
    final Set<String> calls = new HashSet<>();
    boolean answered;
    boolean failed;

    Turn(String where, String userId) {
      this.where = where;
      this.userId = userId;
    }

    void take(String at, String role, JsonNode r, List<String> out) {
      boolean error = role.equals("event") && r.has("error");
      if (failed && (role.equals("assistant") || role.equals("tool") || error)) {
        out.add(at + role + (error ? " error" : "") + " record after the turn's error record");
      }
      if (role.equals("assistant")) {
        answered = true;
        for (JsonNode c : r.path("tool_calls")) {
          String id = c.path("id").asText();
          pending.put(id, at);
          calls.add(id);
        }
      } else if (role.equals("tool")) {
        String id = r.path("tool_call_id").asText();
        if (!calls.contains(id)) {
          out.add(at + "a tool result for call '" + id + "', which this turn did not make");
        }
        pending.remove(id);
      } else if (error) {
        failed = true;
        String unanswered = r.path("unanswered").asText("");
        if (!answered && !unanswered.equals(userId)) {
          out.add(at + "the error record of a turn without model output does not name its message");
        }
        if (answered && !unanswered.isEmpty()) {
          out.add(at + "the error record names a message the model did answer");
        }
      }
    }

    void end(List<String> out) {
      for (Map.Entry<String, String> e : pending.entrySet()) {
        out.add(e.getValue() + "tool call '" + e.getKey() + "' has no result");
      }
      pending.clear();
    }
  }
}
