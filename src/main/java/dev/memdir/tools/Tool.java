package dev.memdir.tools;

import java.util.Objects;

/** One tool: what the model sees, and what runs when it is called. */
final class Tool {
  /** What a call does; it throws a {@link dev.memdir.MemdirException} saying why it failed. */
  interface Body {
    String run(Args args, SeenBlocks seen);
  }

  private final ToolDefinition definition;
  private final Body body;

  Tool(String name, String description, Schema parameters, Body body) {
    this.definition = new ToolDefinition(name, description, parameters.build());
    this.body = Objects.requireNonNull(body, "body");
  }

  ToolDefinition definition() {
    return definition;
  }

  String name() {
    return definition.name();
  }

  String run(Args args, SeenBlocks seen) {
    return body.run(args, seen);
  }
}
