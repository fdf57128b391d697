package dev.memdir.letta;

import dev.memdir.format.AgentConfig;
import dev.memdir.history.Message;
import dev.memdir.memory.Block;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One agent as an import will write it: every file of its directory, decided before anything is
 * written so that a bad field stops the import with nothing on disk.
 *
 * @param dirName the directory's name when a file holds several agents
 * @param config agent.yaml
 * @param system system.md
 * @param blocks memory/
 * @param history history/, in order
 * @param files files/: paths relative to files/ and their text
 */
record AgentPlan(
    String dirName,
    AgentConfig config,
    String system,
    List<Block> blocks,
    List<Entry> history,
    Map<String, String> files) {

  /** One history record to append: the message and its time. */
  record Entry(Message message, Instant ts) {}

  AgentPlan {
    blocks = List.copyOf(blocks);
    history = List.copyOf(history);
    files = Map.copyOf(files);
  }
}
