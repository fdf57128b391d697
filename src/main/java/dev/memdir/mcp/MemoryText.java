package dev.memdir.mcp;

import dev.memdir.agent.MemoryPrompt;
import dev.memdir.format.Problem;
import dev.memdir.memory.Block;
import dev.memdir.memory.CoreMemory;
import java.util.List;

/**
 * Core memory as text, the way the agent's model reads it in its context (Letta's {@code
 * <memory_blocks>} layout), so a client sees the labels, limits and read-only marks the tools
 * enforce.
 */
final class MemoryText {
  private MemoryText() {}

  /** Every block, and the errors of blocks that do not load. */
  static String render(CoreMemory.Snapshot snapshot) {
    StringBuilder sb =
        new StringBuilder(
            "<memory_blocks>\nThe following memory blocks are currently engaged in your core"
                + " memory unit:\n\n");
    for (Block b : snapshot.blocks()) {
      sb.append(block(b)).append("\n\n");
    }
    List<Problem> broken = snapshot.problems().stream().filter(Problem::isError).toList();
    if (!broken.isEmpty()) {
      sb.append("Blocks with problems a person must fix:\n");
      broken.forEach(x -> sb.append("- ").append(x).append('\n'));
      sb.append('\n');
    }
    return sb.append("</memory_blocks>").toString();
  }

  /** One block with its description, size, limit and read-only mark, as the model reads it. */
  static String block(Block b) {
    return MemoryPrompt.block(b);
  }
}
