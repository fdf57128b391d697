package dev.memdir.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds the JSON schema of a tool's arguments, properties in the order added. */
final class Schema {
  private final ObjectNode root = JsonNodeFactory.instance.objectNode();
  private final ObjectNode properties;
  private final ArrayNode required;

  private Schema() {
    root.put("type", "object");
    properties = root.putObject("properties");
    required = JsonNodeFactory.instance.arrayNode();
  }

  static Schema object() {
    return new Schema();
  }

  Schema string(String name, String description, boolean isRequired) {
    return add(name, prop("string", description), isRequired);
  }

  Schema integer(String name, String description, boolean isRequired) {
    return add(name, prop("integer", description), isRequired);
  }

  Schema bool(String name, String description, boolean isRequired) {
    return add(name, prop("boolean", description), isRequired);
  }

  Schema strings(String name, String description, boolean isRequired) {
    ObjectNode p = prop("array", description);
    p.putObject("items").put("type", "string");
    return add(name, p, isRequired);
  }

  Schema enumeration(String name, String description, boolean isRequired, String... values) {
    ObjectNode p = prop("string", description);
    ArrayNode e = p.putArray("enum");
    for (String v : values) {
      e.add(v);
    }
    return add(name, p, isRequired);
  }

  Schema enumerations(String name, String description, boolean isRequired, String... values) {
    ObjectNode p = prop("array", description);
    ArrayNode e = p.putObject("items").put("type", "string").putArray("enum");
    for (String v : values) {
      e.add(v);
    }
    return add(name, p, isRequired);
  }

  Schema objects(String name, String description, boolean isRequired, Schema item) {
    ObjectNode p = prop("array", description);
    p.set("items", item.build());
    return add(name, p, isRequired);
  }

  ObjectNode build() {
    ObjectNode out = root.deepCopy();
    if (!required.isEmpty()) {
      out.set("required", required.deepCopy());
    }
    return out;
  }

  private static ObjectNode prop(String type, String description) {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("type", type);
    p.put("description", description);
    return p;
  }

  private Schema add(String name, ObjectNode p, boolean isRequired) {
    properties.set(name, p);
    if (isRequired) {
      required.add(name);
    }
    return this;
  }
}
