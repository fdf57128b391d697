package dev.memdir.llm.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a chat-completions request the way OpenAI's API does, answering with its 400 messages. */
final class OpenAiValidator {
  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool", "function");
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]+$");

  private OpenAiValidator() {}

  static Optional<Rejection> check(JsonNode body) {
    if (!body.isObject()) {
      return reject(
          "Invalid type for request body: expected an object, but got "
              + Wire.type(body)
              + " instead.",
          null,
          "invalid_type");
    }
    if (!body.hasNonNull("model")) {
      return reject("you must provide a model parameter", null, null);
    }
    Optional<Rejection> r = messages(body.get("messages"));
    if (r.isEmpty()) {
      r = tools(body);
    }
    if (r.isEmpty()) {
      r = limits(body);
    }
    return r;
  }

  private static Optional<Rejection> messages(JsonNode messages) {
    if (messages == null) {
      return reject(
          "Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
    }
    if (!messages.isArray()) {
      return reject(
          "Invalid type for 'messages': expected an array of objects, but got "
              + Wire.type(messages)
              + " instead.",
          "messages",
          "invalid_type");
    }
    if (messages.isEmpty()) {
      return reject(
          "Invalid 'messages': empty array. Expected an array with minimum length 1,"
              + " but got an empty array instead.",
          "messages",
          "empty_array");
    }
    Set<String> open = new LinkedHashSet<>(); // tool calls of the last assistant message
    int openAt = -1;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String at = "messages[" + i + "]";
      if (!m.isObject()) {
        return reject(
            "Invalid type for '"
                + at
                + "': expected an object, but got "
                + Wire.type(m)
                + " instead.",
            at,
            "invalid_type");
      }
      String role = Wire.text(m, "role");
      if (role.isEmpty()) {
        return reject(
            "Missing required parameter: '" + at + ".role'.",
            at + ".role",
            "missing_required_parameter");
      }
      if (!ROLES.contains(role)) {
        return reject(
            "Invalid value: '"
                + role
                + "'. Supported values are: 'system',"
                + " 'assistant', 'user', 'function', 'tool', and 'developer'.",
            at + ".role",
            "invalid_value");
      }
      if (!role.equals("tool") && !open.isEmpty()) {
        return reject(
            "An assistant message with 'tool_calls' must be followed by tool messages"
                + " responding to each 'tool_call_id'. The following tool_call_ids did not have"
                + " response messages: "
                + String.join(", ", open),
            "messages.[" + openAt + "].role",
            null);
      }
      Optional<Rejection> r = content(m, role, at);
      if (r.isPresent()) {
        return r;
      }
      if (role.equals("assistant")) {
        r = toolCalls(m.get("tool_calls"), at, open);
        if (r.isPresent()) {
          return r;
        }
        openAt = i;
      } else if (role.equals("tool")) {
        String id = Wire.text(m, "tool_call_id");
        if (id.isEmpty()) {
          return reject(
              "Missing required parameter: '" + at + ".tool_call_id'.",
              at + ".tool_call_id",
              "missing_required_parameter");
        }
        if (openAt < 0 || !hasCall(messages.get(openAt), id)) {
          return reject(
              "Invalid parameter: messages with role 'tool' must be a response to a"
                  + " preceeding message with 'tool_calls'.",
              "messages.[" + i + "].role",
              null);
        }
        if (!open.remove(id)) {
          return reject(
              "Invalid parameter: 'tool_call_id' of '"
                  + id
                  + "' not found in"
                  + " 'tool_calls' of previous message.",
              "messages.[" + i + "].tool_call_id",
              null);
        }
      } else {
        openAt = -1;
      }
    }
    if (!open.isEmpty()) {
      return reject(
          "An assistant message with 'tool_calls' must be followed by tool messages"
              + " responding to each 'tool_call_id'. The following tool_call_ids did not have"
              + " response messages: "
              + String.join(", ", open),
          "messages.[" + openAt + "].role",
          null);
    }
    return Optional.empty();
  }

  private static boolean hasCall(JsonNode assistant, String id) {
    for (JsonNode c : assistant.path("tool_calls")) {
      if (id.equals(Wire.text(c, "id"))) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Rejection> content(JsonNode m, String role, String at) {
    JsonNode content = m.get("content");
    boolean hasCalls = m.has("tool_calls") && !m.get("tool_calls").isNull();
    if (content == null || content.isNull()) {
      if (role.equals("assistant") && hasCalls) {
        return Optional.empty();
      }
      return reject(
          "Missing required parameter: '" + at + ".content'.",
          at + ".content",
          "missing_required_parameter");
    }
    if (!content.isTextual() && !content.isArray()) {
      return reject(
          "Invalid type for '"
              + at
              + ".content': expected one of a string or array"
              + " of objects, but got "
              + Wire.type(content)
              + " instead.",
          at + ".content",
          "invalid_type");
    }
    return Optional.empty();
  }

  private static Optional<Rejection> toolCalls(JsonNode calls, String at, Set<String> open) {
    open.clear();
    if (calls == null || calls.isNull()) {
      return Optional.empty();
    }
    if (!calls.isArray()) {
      return reject(
          "Invalid type for '"
              + at
              + ".tool_calls': expected an array of objects,"
              + " but got "
              + Wire.type(calls)
              + " instead.",
          at + ".tool_calls",
          "invalid_type");
    }
    if (calls.isEmpty()) {
      return reject(
          "Invalid '"
              + at
              + ".tool_calls': empty array. Expected an array with"
              + " minimum length 1, but got an empty array instead.",
          at + ".tool_calls",
          "empty_array");
    }
    for (int j = 0; j < calls.size(); j++) {
      JsonNode c = calls.get(j);
      String cat = at + ".tool_calls[" + j + "]";
      for (String field : new String[] {"id", "type", "function"}) {
        if (!c.hasNonNull(field)) {
          return reject(
              "Missing required parameter: '" + cat + "." + field + "'.",
              cat + "." + field,
              "missing_required_parameter");
        }
      }
      JsonNode fn = c.get("function");
      if (!fn.hasNonNull("name")) {
        return reject(
            "Missing required parameter: '" + cat + ".function.name'.",
            cat + ".function.name",
            "missing_required_parameter");
      }
      JsonNode args = fn.get("arguments");
      if (args == null) {
        return reject(
            "Missing required parameter: '" + cat + ".function.arguments'.",
            cat + ".function.arguments",
            "missing_required_parameter");
      }
      if (!args.isTextual()) {
        return reject(
            "Invalid type for '"
                + cat
                + ".function.arguments': expected a string,"
                + " but got "
                + Wire.type(args)
                + " instead.",
            cat + ".function.arguments",
            "invalid_type");
      }
      open.add(Wire.text(c, "id"));
    }
    return Optional.empty();
  }

  private static Optional<Rejection> tools(JsonNode body) {
    JsonNode tools = body.get("tools");
    JsonNode choice = body.get("tool_choice");
    if (tools == null || tools.isNull()) {
      if (choice != null && !choice.isNull()) {
        return reject(
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when"
                + " 'tools' are specified.",
            "tool_choice",
            null);
      }
      return Optional.empty();
    }
    if (!tools.isArray()) {
      return reject(
          "Invalid type for 'tools': expected an array of objects, but got "
              + Wire.type(tools)
              + " instead.",
          "tools",
          "invalid_type");
    }
    if (tools.isEmpty()) {
      return reject(
          "Invalid 'tools': empty array. Expected an array with minimum length 1, but"
              + " got an empty array instead.",
          "tools",
          "empty_array");
    }
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      String at = "tools[" + i + "]";
      if (!"function".equals(Wire.text(t, "type"))) {
        return reject(
            "Invalid value: '"
                + Wire.text(t, "type")
                + "'. Supported values are:"
                + " 'function' and 'custom'.",
            at + ".type",
            "invalid_value");
      }
      JsonNode fn = t.get("function");
      if (fn == null || !fn.isObject()) {
        return reject(
            "Missing required parameter: '" + at + ".function'.",
            at + ".function",
            "missing_required_parameter");
      }
      String name = Wire.text(fn, "name");
      if (name.isEmpty()) {
        return reject(
            "Missing required parameter: '" + at + ".function.name'.",
            at + ".function.name",
            "missing_required_parameter");
      }
      if (!NAME.matcher(name).matches()) {
        return reject(
            "Invalid '"
                + at
                + ".function.name': string does not match pattern."
                + " Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
            at + ".function.name",
            "invalid_value");
      }
      if (name.length() > 64) {
        return reject(
            "Invalid '"
                + at
                + ".function.name': string too long. Expected a string"
                + " with maximum length 64, but got a string with length "
                + name.length()
                + " instead.",
            at + ".function.name",
            "string_above_max_length");
      }
      if (fn.has("parameters")) {
        Optional<String> p = SchemaCheck.problem(fn.get("parameters"));
        if (p.isPresent()) {
          return reject(
              "Invalid schema for function '" + name + "': " + p.get() + ".",
              at + ".function.parameters",
              "invalid_function_parameters");
        }
      }
    }
    if (choice != null
        && choice.isTextual()
        && !Set.of("none", "auto", "required").contains(choice.asText())) {
      return reject(
          "Invalid value: '"
              + choice.asText()
              + "'. Supported values are: 'none',"
              + " 'auto', and 'required'.",
          "tool_choice",
          "invalid_value");
    }
    return Optional.empty();
  }

  private static Optional<Rejection> limits(JsonNode body) {
    for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
      JsonNode v = body.get(field);
      if (v != null && !v.isNull()) {
        if (!v.isIntegralNumber()) {
          return reject(
              "Invalid type for '"
                  + field
                  + "': expected an integer, but got "
                  + Wire.type(v)
                  + " instead.",
              field,
              "invalid_type");
        }
        if (v.asLong() < 1) {
          return reject(
              "Invalid '"
                  + field
                  + "': integer below minimum value. Expected a value"
                  + " >= 1, but got "
                  + v.asLong()
                  + " instead.",
              field,
              "integer_below_min_value");
        }
      }
    }
    JsonNode t = body.get("temperature");
    if (t != null && !t.isNull() && (!t.isNumber() || t.asDouble() < 0 || t.asDouble() > 2)) {
      return reject(
          "Invalid 'temperature': decimal above maximum value. Expected a value <= 2,"
              + " but got "
              + t
              + " instead.",
          "temperature",
          "decimal_above_max_value");
    }
    boolean stream = body.path("stream").asBoolean(false);
    if (body.hasNonNull("stream_options") && !stream) {
      return reject(
          "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
          "stream_options",
          null);
    }
    return Optional.empty();
  }

  private static Optional<Rejection> reject(String message, String param, String code) {
    return Optional.of(Rejection.openAi(message, param, code));
  }
}
