package dev.memdir.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * A tool the model asked to call. Arguments that are not a JSON object are not an exception: they
 * arrive as {@link #argumentsError()} so the caller can tell the model what was wrong.
 *
 * @param id the call's id, echoed in the {@link ToolResultMessage}
 * @param name the tool's name
 * @param rawArguments the arguments exactly as the model wrote them
 * @param arguments the parsed arguments, when they are a JSON object
 * @param argumentsError why the arguments could not be parsed, when they could not
 */
public record ToolCall(
    String id,
    String name,
    String rawArguments,
    Optional<ObjectNode> arguments,
    Optional<String> argumentsError) {

  /** The longest arguments text parsed; models do not write more for a sane tool. */
  public static final int MAX_ARGUMENT_CHARS = 1 << 20;

  /** Validates the fields; exactly one of arguments and argumentsError is present. */
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rawArguments, "rawArguments");
    if (arguments.isPresent() == argumentsError.isPresent()) {
      throw new IllegalArgumentException("exactly one of arguments and argumentsError is needed");
    }
    arguments = arguments.map(ObjectNode::deepCopy);
  }

  /** A call whose arguments text is parsed here; an empty text means no arguments. */
  public static ToolCall of(String id, String name, String rawArguments) {
    String problem = null;
    ObjectNode parsed = null;
    if (rawArguments.isBlank()) {
      parsed = Json.MAPPER.createObjectNode();
    } else if (rawArguments.length() > MAX_ARGUMENT_CHARS) {
      problem = "are " + rawArguments.length() + " chars, over the limit of " + MAX_ARGUMENT_CHARS;
    } else {
      try {
        JsonNode node = Json.MAPPER.readTree(rawArguments);
        if (node instanceof ObjectNode o) {
          parsed = o;
        } else {
          problem = "must be a JSON object, got " + Json.typeName(node);
        }
      } catch (JsonProcessingException e) {
        problem = "are not valid JSON: " + Json.describe(e);
      }
    }
    if (parsed != null) {
      return new ToolCall(id, name, rawArguments, Optional.of(parsed), Optional.empty());
    }
    return new ToolCall(
        id,
        name,
        rawArguments,
        Optional.empty(),
        Optional.of("arguments of tool call '" + name + "' " + problem));
  }

  /** A call with already parsed arguments, as Anthropic sends them. */
  public static ToolCall of(String id, String name, ObjectNode arguments) {
    return new ToolCall(id, name, arguments.toString(), Optional.of(arguments), Optional.empty());
  }

  /** A copy of the parsed arguments, when they are a JSON object. */
  @Override
  public Optional<ObjectNode> arguments() {
    return arguments.map(ObjectNode::deepCopy);
  }

  /** Whether the arguments parsed as a JSON object. */
  public boolean argumentsValid() {
    return arguments.isPresent();
  }
}
