package dev.memdir.agent;

import dev.memdir.memory.Block;

/** How a core memory block reads in the model's context window (and to MCP clients). */
public final class MemoryPrompt {
  private MemoryPrompt() {}

  /** One block with its description, size, limit and read-only mark. */
  public static String block(Block b) {
    StringBuilder sb = new StringBuilder();
    sb.append('<').append(b.label()).append(">\n");
    sb.append("<description>\n").append(b.description()).append("\n</description>\n");
    sb.append("<metadata>\n");
    if (b.readOnly()) {
      sb.append("- read_only=true\n");
    }
    sb.append("- chars_current=").append(b.chars()).append('\n');
    sb.append("- chars_limit=").append(b.limit()).append('\n');
    sb.append("</metadata>\n");
    sb.append("<value>\n").append(b.value()).append("\n</value>\n");
    sb.append("</").append(b.label()).append('>');
    return sb.toString();
  }
}
