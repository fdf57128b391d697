package dev.memdir;

import dev.memdir.format.AgentConfig;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Layout;
import dev.memdir.format.YamlMap;
import dev.memdir.memory.Block;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the files of a new agent directory. */
final class AgentInit {
  static final String DEFAULT_PERSONA =
      "I am a helpful assistant with a long memory. I keep what I learn about the person I talk to"
          + " in my memory blocks and archival memory, and I look things up before I guess.";
  static final String DEFAULT_HUMAN = "Nothing known about the user yet.";

  static final String SYSTEM_PROMPT =
      """
      You are a stateful agent whose whole memory is a folder of plain files.

      Core memory (the <memory_blocks> below) is always in your context. Keep it current with
      memory_replace, memory_insert and memory_rethink: record what you learn about the user in
      the "human" block and who you are in the "persona" block. Each block shows its characters
      used and its limit; stay within it.

      Archival memory holds long-term facts: store one self-contained fact per
      archival_memory_insert call and find them again with archival_memory_search.

      Earlier messages that left the context window can be found with conversation_search.
      Documents under files/ can be searched with search_files and grep_files and read with
      open_files.

      Look things up before you answer from memory, and say so when you do not know.
      """;

  private AgentInit() {}

  static void write(Layout layout, InitOptions options) {
    String name =
        options
            .name()
            .orElse(
                layout.root().getFileName() == null
                    ? "agent"
                    : layout.root().getFileName().toString());
    try {
      AgentConfig.defaults(name).withModel(options.model());
    } catch (IllegalArgumentException e) {
      throw new MemdirException("--model: " + e.getMessage());
    }
    Block persona =
        Block.create(
            "persona",
            "Who the agent is and how it behaves.",
            Block.DEFAULT_LIMIT,
            options.persona().orElse(DEFAULT_PERSONA).strip());
    Block human =
        Block.create(
            "human",
            "What the agent knows about the person it talks to.",
            Block.DEFAULT_LIMIT,
            options.human().orElse(DEFAULT_HUMAN).strip());
    for (Block b : new Block[] {persona, human}) {
      if (b.overLimit()) {
        throw new MemdirException(
            "--" + b.label() + ": " + b.chars() + " chars is over the block limit of " + b.limit());
      }
    }
    try {
      Files.createDirectories(layout.root());
      for (Path dir :
          new Path[] {
            layout.memoryDir(), layout.archivalDir(), layout.filesDir(), layout.historyDir()
          }) {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw new MemdirException("cannot create " + layout.root() + ": " + e.getMessage(), e);
    }
    AtomicFiles.write(layout.systemPrompt(), SYSTEM_PROMPT);
    AtomicFiles.write(layout.memoryDir().resolve("persona.md"), persona.render());
    AtomicFiles.write(layout.memoryDir().resolve("human.md"), human.render());
    if (!Files.exists(layout.gitignore())) {
      AtomicFiles.write(layout.gitignore(), ".memdir/\n");
    }
    // agent.yaml last: its presence is what makes the folder an agent.
    AtomicFiles.write(layout.agentYaml(), agentYaml(name, options.model()));
  }

  static String agentYaml(String name, String model) {
    return "name: "
        + YamlMap.scalar(name)
        + "\n"
        + "description: \"\"\n"
        + "model: "
        + YamlMap.scalar(model)
        + "        # provider/name; providers: openai, anthropic, ollama\n"
        + "# base_url: http://localhost:11434/v1   # any OpenAI-compatible server\n"
        + "context_window: "
        + AgentConfig.DEFAULT_CONTEXT_WINDOW
        + "            # tokens\n"
        + "max_steps: "
        + AgentConfig.DEFAULT_MAX_STEPS
        + "\n"
        + "tools: ["
        + String.join(", ", AgentConfig.DEFAULT_TOOLS)
        + "]\n"
        + "history:\n"
        + "  durability: turn               # always | turn | never\n";
  }
}
