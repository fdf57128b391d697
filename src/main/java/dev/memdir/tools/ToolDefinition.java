package dev.memdir.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A tool as the model sees it.
 *
 * @param name the name the model calls, following Letta's
 * @param description what it does and when to use it
 * @param parameters a JSON schema of {@code "type": "object"} describing the arguments
 */
public record ToolDefinition(String name, String description, ObjectNode parameters) {
  /** Validates and copies the schema. */
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    if (!"object".equals(parameters.path("type").asText())) {
      throw new IllegalArgumentException("parameters of " + name + " must be an object schema");
    }
    parameters = parameters.deepCopy();
  }

  /** A copy of the parameters schema. */
  @Override
  public ObjectNode parameters() {
    return parameters.deepCopy();
  }

  /** The argument names the schema declares, in order. */
  public List<String> argumentNames() {
    List<String> names = new ArrayList<>();
    JsonNode props = parameters.path("properties");
    props.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
