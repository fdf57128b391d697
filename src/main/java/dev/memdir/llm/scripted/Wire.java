package dev.memdir.llm.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON helpers and the two APIs' error shapes. */
final class Wire {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Wire() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** OpenAI's error body: {@code {"error": {"message", "type", "param", "code"}}}. */
  static ObjectNode openAiError(String message, String type, String param, String code) {
    ObjectNode root = object();
    ObjectNode e = root.putObject("error");
    e.put("message", message).put("type", type);
    if (param == null) {
      e.putNull("param");
    } else {
      e.put("param", param);
    }
    if (code == null) {
      e.putNull("code");
    } else {
      e.put("code", code);
    }
    return root;
  }

  /** Anthropic's error body: {@code {"type": "error", "error": {"type", "message"}}}. */
  static ObjectNode anthropicError(String type, String message) {
    ObjectNode root = object().put("type", "error");
    root.putObject("error").put("type", type).put("message", message);
    root.put("request_id", "req_scripted");
    return root;
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  /** An English name for a JSON type, as OpenAI's messages use it. */
  static String type(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return "null";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isIntegralNumber()) {
      return "an integer";
    }
    if (n.isNumber()) {
      return "a decimal";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    if (n.isArray()) {
      return "an array";
    }
    return "an object";
  }
}
