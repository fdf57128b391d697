package dev.memdir.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tool offered to the model.
 *
 * @param name what the model calls it: 1 to 64 of {@code a-z A-Z 0-9 _ -}, as both APIs demand
 * @param description what it does and when to use it
 * @param parameters a JSON schema of {@code "type": "object"} describing the arguments
 */
public record ToolSpec(String name, String description, ObjectNode parameters) {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  /** Validates the name and that the schema describes an object; copies the schema. */
  public ToolSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parameters, "parameters");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "tool name must be 1 to 64 of a-z A-Z 0-9 _ -, got \"" + name + "\"");
    }
    JsonNode type = parameters.get("type");
    if (type == null || !"object".equals(type.asText())) {
      throw new IllegalArgumentException(
          "parameters of tool '" + name + "' must be a JSON schema with \"type\": \"object\"");
    }
    parameters = parameters.deepCopy();
  }

  /** A copy of the parameters schema. */
  @Override
  public ObjectNode parameters() {
    return parameters.deepCopy();
  }
}
