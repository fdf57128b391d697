package dev.memdir.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A message to append to the history: a role, usually content, and any other fields ({@code
 * tool_calls}, {@code tool_call_id}, {@code name}, {@code covers}, or fields memdir does not know,
 * which are kept). The log adds {@code v}, {@code id} and {@code ts} when it appends.
 */
public final class Message {
  /** Fields the log writes itself. */
  static final Set<String> RESERVED = Set.of("v", "id", "ts");

  private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_]{0,31}");

  private final ObjectNode node;

  private Message(ObjectNode node) {
    this.node = node;
  }

  /**
   * A message with a role (known or not: unknown roles are kept) and text content.
   *
   * @throws IllegalArgumentException when the role is not 1 to 32 lower-case letters, digits or
   *     '_', starting with a letter
   */
  public static Message of(String role, String content) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("role", checkRole(role));
    n.put("content", Objects.requireNonNull(content, "content"));
    return new Message(n);
  }

  /** What the person said. */
  public static Message user(String content) {
    return of(Role.USER.word(), content);
  }

  /** What the model said. */
  public static Message assistant(String content) {
    return of(Role.ASSISTANT.word(), content);
  }

  /** A system message. */
  public static Message system(String content) {
    return of(Role.SYSTEM.word(), content);
  }

  /** Something that happened, for the record. */
  public static Message event(String content) {
    return of(Role.EVENT.word(), content);
  }

  /** A tool's result for the call {@code toolCallId} of the tool {@code name}. */
  public static Message toolResult(String toolCallId, String name, String content) {
    return of(Role.TOOL.word(), content)
        .with("tool_call_id", JsonNodeFactory.instance.textNode(toolCallId))
        .with("name", JsonNodeFactory.instance.textNode(name));
  }

  /** A model turn that calls tools ({@code tool_calls} in the OpenAI shape), with optional text. */
  public static Message toolCalls(String content, ArrayNode toolCalls) {
    return assistant(content).with("tool_calls", toolCalls);
  }

  /** A summary of the records from {@code fromId} to {@code toId}, both included. */
  public static Message summary(String content, String fromId, String toId) {
    ObjectNode covers = JsonNodeFactory.instance.objectNode();
    covers.put("from", Objects.requireNonNull(fromId, "fromId"));
    covers.put("to", Objects.requireNonNull(toId, "toId"));
    return of(Role.SUMMARY.word(), content).with("covers", covers);
  }

  /**
   * A message from a JSON object that has at least a {@code role}; {@code v}, {@code id} and {@code
   * ts} are dropped, everything else kept.
   */
  public static Message fromJson(ObjectNode json) {
    JsonNode role = json.get("role");
    if (role == null || !role.isTextual()) {
      throw new IllegalArgumentException("a message needs a text 'role'");
    }
    checkRole(role.textValue());
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("role", role.textValue());
    if (json.has("content")) {
      n.set("content", json.get("content").deepCopy());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!RESERVED.contains(e.getKey()) && !n.has(e.getKey())) {
        n.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return new Message(n);
  }

  /**
   * This message with one more field (or a field replaced); not {@code v}, {@code id}, {@code ts},
   * {@code role}.
   */
  public Message with(String field, JsonNode value) {
    if (RESERVED.contains(field) || field.equals("role")) {
      throw new IllegalArgumentException("'" + field + "' is set by the log, not by a message");
    }
    ObjectNode n = node.deepCopy();
    n.set(field, Objects.requireNonNull(value, "value").deepCopy());
    return new Message(n);
  }

  /** The role word. */
  public String role() {
    return node.get("role").textValue();
  }

  /** The fields as JSON (a copy), role first. */
  public ObjectNode json() {
    return node.deepCopy();
  }

  ObjectNode node() {
    return node;
  }

  static String checkRole(String role) {
    Objects.requireNonNull(role, "role");
    if (!ROLE.matcher(role).matches()) {
      throw new IllegalArgumentException(
          "invalid role \""
              + role
              + "\": use 1 to 32 lower-case letters, digits or '_', starting with a letter (known: "
              + Role.known()
              + ")");
    }
    return role;
  }

  @Override
  public String toString() {
    return node.toString();
  }
}
