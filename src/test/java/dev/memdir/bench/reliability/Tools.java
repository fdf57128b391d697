package dev.memdir.bench.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.format.AgentConfig;
import dev.memdir.tools.SeenBlocks;
import dev.memdir.tools.ToolResult;
import dev.memdir.tools.Toolbox;

/** Every tool of an agent, called as a model would call it: by name with JSON arguments. */
final class Tools {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Toolbox box;
  private final SeenBlocks seen = new SeenBlocks();

  Tools(Agent agent) {
    box = new Toolbox(agent.memory(), agent.archival(), agent.search(), AgentConfig.KNOWN_TOOLS);
  }

  ToolResult call(String tool, ObjectNode args) {
    return box.call(tool, args, seen);
  }

  /** Calls {@code tool} with arguments given as JSON text. */
  String call(String tool, String json) {
    try {
      return call(tool, (ObjectNode) JSON.readTree(json)).content();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  /** A JSON string literal. */
  static String q(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
