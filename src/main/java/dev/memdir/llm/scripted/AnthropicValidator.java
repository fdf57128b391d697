package dev.memdir.llm.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a Messages API request the way Anthropic's API does, answering with its 400 messages. */
final class AnthropicValidator {
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
  private static final Set<String> BLOCKS =
      Set.of(
          "text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking");

  private AnthropicValidator() {}

  static Optional<Rejection> check(JsonNode body) {
    if (!body.isObject()) {
      return reject("Input should be a valid dictionary");
    }
    if (!body.has("model")) {
      return reject("model: Field required");
    }
    JsonNode max = body.get("max_tokens");
    if (max == null) {
      return reject("max_tokens: Field required");
    }
    if (!max.isIntegralNumber()) {
      return reject("max_tokens: Input should be a valid integer");
    }
    if (max.asLong() < 1) {
      return reject("max_tokens: Input should be greater than or equal to 1");
    }
    JsonNode t = body.get("temperature");
    if (t != null && (!t.isNumber() || t.asDouble() < 0 || t.asDouble() > 1)) {
      return reject("temperature: Input should be less than or equal to 1");
    }
    JsonNode system = body.get("system");
    if (system != null && !system.isTextual() && !system.isArray()) {
      return reject("system: Input should be a valid string");
    }
    Optional<Rejection> r = messages(body.get("messages"));
    return r.isPresent() ? r : tools(body);
  }

  private static Optional<Rejection> messages(JsonNode messages) {
    if (messages == null) {
      return reject("messages: Field required");
    }
    if (!messages.isArray()) {
      return reject("messages: Input should be a valid list");
    }
    Set<String> pending = new LinkedHashSet<>(); // tool_use ids awaiting their results
    int pendingAt = -1;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = Wire.text(m, "role");
      if (role.equals("system")) {
        return reject(
            "messages: Unexpected role \"system\". The Messages API accepts a"
                + " top-level `system` parameter, not \"system\" as an input message role.");
      }
      if (!role.equals("user") && !role.equals("assistant")) {
        return reject("messages." + i + ".role: Input should be 'user' or 'assistant'");
      }
      JsonNode content = m.get("content");
      if (content == null) {
        return reject("messages." + i + ".content: Field required");
      }
      boolean last = i == messages.size() - 1;
      if (content.isTextual()) {
        if (content.asText().isEmpty() && !(last && role.equals("assistant"))) {
          return reject(
              "messages: all messages must have non-empty content except for the"
                  + " optional final assistant message");
        }
        if (!pending.isEmpty()) {
          return unanswered(pendingAt, pending);
        }
        continue;
      }
      if (!content.isArray()) {
        return reject("messages." + i + ".content: Input should be a valid list");
      }
      if (content.isEmpty() && !(last && role.equals("assistant"))) {
        return reject(
            "messages: all messages must have non-empty content except for the"
                + " optional final assistant message");
      }
      Optional<Rejection> r = blocks(content, i, role, pending, pendingAt);
      if (r.isPresent()) {
        return r;
      }
      if (!pending.isEmpty()) {
        return unanswered(pendingAt, pending);
      }
      if (role.equals("assistant")) {
        for (JsonNode b : content) {
          if ("tool_use".equals(Wire.text(b, "type"))) {
            pending.add(Wire.text(b, "id"));
          }
        }
        pendingAt = i;
      }
    }
    return Optional.empty();
  }

  private static Optional<Rejection> blocks(
      JsonNode content, int i, String role, Set<String> pending, int pendingAt) {
    boolean seenOther = false;
    Set<String> ids = new HashSet<>();
    for (int j = 0; j < content.size(); j++) {
      JsonNode b = content.get(j);
      String at = "messages." + i + ".content." + j;
      String type = Wire.text(b, "type");
      if (!BLOCKS.contains(type)) {
        return reject(
            at
                + ": Input tag '"
                + type
                + "' found using 'type' does not match any of"
                + " the expected tags: 'text', 'image', 'document', 'tool_use', 'tool_result',"
                + " 'thinking', 'redacted_thinking'");
      }
      switch (type) {
        case "text" -> {
          if (!b.has("text") || !b.get("text").isTextual()) {
            return reject(at + ".text: Field required");
          }
          if (b.get("text").asText().isEmpty()) {
            return reject("messages: text content blocks must be non-empty");
          }
          seenOther = true;
        }
        case "tool_use" -> {
          if (role.equals("user")) {
            return reject(at + ": tool_use blocks can only be in assistant messages");
          }
          for (String f : new String[] {"id", "name", "input"}) {
            if (!b.has(f)) {
              return reject(at + "." + f + ": Field required");
            }
          }
          if (!b.get("input").isObject()) {
            return reject(at + ".input: Input should be a valid dictionary");
          }
          if (!ids.add(Wire.text(b, "id"))) {
            return reject("messages." + i + ": `tool_use` ids must be unique");
          }
        }
        case "tool_result" -> {
          if (role.equals("assistant")) {
            return reject(at + ": tool_result blocks can only be in user messages");
          }
          String id = Wire.text(b, "tool_use_id");
          if (id.isEmpty()) {
            return reject(at + ".tool_use_id: Field required");
          }
          if (!pending.remove(id)) {
            return reject(
                at
                    + ": unexpected `tool_use_id` found in `tool_result` blocks: "
                    + id
                    + ". Each `tool_result` block must have a corresponding `tool_use` block in the"
                    + " previous message.");
          }
          if (seenOther) {
            return reject(
                "messages."
                    + i
                    + ": tool_result blocks must come first in the"
                    + " content array, before any other content");
          }
          JsonNode c = b.get("content");
          if (c != null && !c.isTextual() && !c.isArray()) {
            return reject(at + ".content: Input should be a valid string");
          }
        }
        default -> seenOther = true;
      }
    }
    return Optional.empty();
  }

  private static Optional<Rejection> unanswered(int at, Set<String> pending) {
    return reject(
        "messages."
            + at
            + ": `tool_use` ids were found without `tool_result` blocks"
            + " immediately after: "
            + String.join(", ", pending)
            + ". Each `tool_use` block must"
            + " have a corresponding `tool_result` block in the next message.");
  }

  private static Optional<Rejection> tools(JsonNode body) {
    JsonNode tools = body.get("tools");
    JsonNode choice = body.get("tool_choice");
    if (tools == null) {
      if (choice != null && !"none".equals(Wire.text(choice, "type"))) {
        return reject("tool_choice: tool_choice may only be specified while providing tools");
      }
      return Optional.empty();
    }
    if (!tools.isArray()) {
      return reject("tools: Input should be a valid list");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      String at = "tools." + i + ".custom";
      if (!t.has("name")) {
        return reject(at + ".name: Field required");
      }
      String name = Wire.text(t, "name");
      if (!NAME.matcher(name).matches()) {
        return reject(at + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'");
      }
      if (!names.add(name)) {
        return reject("tools: Tool names must be unique.");
      }
      JsonNode schema = t.get("input_schema");
      if (schema == null) {
        return reject(at + ".input_schema: Field required");
      }
      if (!schema.isObject()) {
        return reject(at + ".input_schema: Input should be a valid dictionary");
      }
      if (!"object".equals(Wire.text(schema, "type"))) {
        return reject(at + ".input_schema.type: Input should be 'object'");
      }
      if (SchemaCheck.problem(schema).isPresent()) {
        return reject(
            at
                + ".input_schema: JSON schema is invalid. It must match JSON Schema"
                + " draft 2020-12 (https://json-schema.org/draft/2020-12). Learn more about tool use"
                + " at https://docs.claude.com/en/docs/tool-use.");
      }
    }
    if (choice != null) {
      String type = Wire.text(choice, "type");
      if (!Set.of("auto", "any", "tool", "none").contains(type)) {
        return reject(
            "tool_choice: Input tag '"
                + type
                + "' found using 'type' does not match"
                + " any of the expected tags: 'auto', 'any', 'tool', 'none'");
      }
      if (type.equals("tool") && !names.contains(Wire.text(choice, "name"))) {
        return reject("tool_choice: Tool '" + Wire.text(choice, "name") + "' not found in tools");
      }
    }
    return Optional.empty();
  }

  private static Optional<Rejection> reject(String message) {
    return Optional.of(Rejection.anthropic(message));
  }
}
