package dev.memdir.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.ConfigException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Rules for the tools of one turn: the {@code tool_rules} mapping of agent.yaml (Letta's tool
 * rules), every key optional.
 *
 * <pre>
 * tool_rules:
 *   run_first: [conversation_search]          # the first step must call one of these
 *   exit_loop: [send_message]                 # calling one of these ends the turn
 *   required_before_exit: [memory_insert]     # the turn may not end before each was called
 * </pre>
 *
 * <p>Every name must be in {@code tools}. {@code send_message}, when offered, always ends the turn,
 * whether or not it is listed in {@code exit_loop}.
 *
 * @param runFirst tools the first step must call (one of them); empty for no rule
 * @param exitLoop tools whose call ends the turn
 * @param requiredBeforeExit tools the turn must call, each at least once, before it may end
 */
public record ToolRules(
    List<String> runFirst, List<String> exitLoop, List<String> requiredBeforeExit) {
  static final String KEY = "tool_rules";
  private static final String FILE = "agent.yaml";
  private static final List<String> KEYS =
      List.of("run_first", "exit_loop", "required_before_exit");

  /** Copies the lists. */
  public ToolRules {
    runFirst = List.copyOf(runFirst);
    exitLoop = List.copyOf(exitLoop);
    requiredBeforeExit = List.copyOf(requiredBeforeExit);
  }

  /** No rules. */
  public static ToolRules none() {
    return new ToolRules(List.of(), List.of(), List.of());
  }

  /** Whether there are no rules. */
  public boolean isEmpty() {
    return runFirst.isEmpty() && exitLoop.isEmpty() && requiredBeforeExit.isEmpty();
  }

  /**
   * Reads the {@code tool_rules} mapping.
   *
   * @param tools the tools offered, which every rule must name
   * @param unknown receives unknown keys, kept as read
   * @throws ConfigException naming the line of the first wrong value
   */
  static ToolRules parse(
      YamlMap y, List<String> tools, List<Problem> warnings, ObjectNode unknown) {
    ObjectNode node = y.object(KEY).orElse(JsonNodeFactory.instance.objectNode());
    List<List<String>> lists = new ArrayList<>(List.of(List.of(), List.of(), List.of()));
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int at = KEYS.indexOf(e.getKey());
      if (at < 0) {
        warnings.add(
            Problem.warning(
                FILE,
                y.line(KEY, e.getKey()),
                "unknown key '"
                    + KEY
                    + "."
                    + e.getKey()
                    + "' (kept as is; known: "
                    + String.join(", ", KEYS)
                    + ")"));
        unknown.set(e.getKey(), e.getValue());
        continue;
      }
      lists.set(at, names(y, e.getKey(), e.getValue(), tools));
    }
    return new ToolRules(lists.get(0), lists.get(1), lists.get(2));
  }

  private static List<String> names(YamlMap y, String key, JsonNode v, List<String> tools) {
    String name = "'" + KEY + "." + key + "'";
    int line = y.line(KEY, key);
    List<String> out = new ArrayList<>();
    if (v.isTextual()) {
      out.add(v.textValue());
    } else if (v.isArray()) {
      for (JsonNode item : v) {
        if (!item.isTextual()) {
          throw new ConfigException(
              FILE, line, name + " must be a list of tool names, but holds " + item);
        }
        out.add(item.textValue());
      }
    } else if (!v.isNull()) {
      throw new ConfigException(
          FILE, line, name + " must be a list of tool names, got " + YamlMap.describe(v));
    }
    for (String tool : out) {
      if (!tools.contains(tool)) {
        throw new ConfigException(
            FILE,
            line,
            name
                + " names '"
                + tool
                + "', which is not in 'tools' ("
                + String.join(", ", tools)
                + "); add it there or remove the rule");
      }
    }
    return List.copyOf(out);
  }

  /** The mapping as written to agent.yaml; empty when there are no rules. */
  ObjectNode toNode() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    List<List<String>> lists = List.of(runFirst, exitLoop, requiredBeforeExit);
    for (int i = 0; i < KEYS.size(); i++) {
      if (!lists.get(i).isEmpty()) {
        lists.get(i).forEach(n.putArray(KEYS.get(i))::add);
      }
    }
    return n;
  }
}
