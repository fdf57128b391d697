package dev.memdir.format;

import dev.memdir.MemdirException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where each part of an agent directory lives.
 *
 * <pre>
 * research-assistant/
 * ├── agent.yaml      identity and settings
 * ├── system.md       the system prompt
 * ├── memory/         core memory blocks, one Markdown file each
 * ├── archival/       long-term facts, one Markdown file each
 * ├── files/          documents the agent can read
 * ├── history/        the conversation, append-only JSONL
 * ├── .gitignore      contains .memdir/
 * └── .memdir/        derived, rebuildable state (index, lock)
 * </pre>
 *
 * <p>Missing standard folders mean "empty": git does not keep empty folders.
 *
 * @param root the agent directory
 */
public record Layout(Path root) {
  /** The largest memory block or archival fact file read; larger ones are refused unread. */
  public static final long MAX_MARKDOWN_BYTES = 1L << 20;

  /** Normalises the root to an absolute path. */
  public Layout {
    root = root.toAbsolutePath().normalize();
  }

  /** The layout of {@code dir}, which must hold an {@code agent.yaml}. */
  public static Layout of(Path dir) {
    Layout layout = new Layout(dir);
    if (!Files.isDirectory(layout.root())) {
      throw new MemdirException(
          "not an agent directory: " + dir + " does not exist or is not a folder");
    }
    if (!Files.isRegularFile(layout.agentYaml())) {
      throw new MemdirException(
          "not an agent directory: "
              + dir
              + " has no agent.yaml (create one with: memdir init "
              + dir
              + ")");
    }
    return layout;
  }

  public Path agentYaml() {
    return root.resolve("agent.yaml");
  }

  public Path systemPrompt() {
    return root.resolve("system.md");
  }

  public Path memoryDir() {
    return root.resolve("memory");
  }

  public Path archivalDir() {
    return root.resolve("archival");
  }

  public Path filesDir() {
    return root.resolve("files");
  }

  public Path historyDir() {
    return root.resolve("history");
  }

  public Path derivedDir() {
    return root.resolve(".memdir");
  }

  public Path gitignore() {
    return root.resolve(".gitignore");
  }

  /** The path of {@code file} relative to the root, with forward slashes, for messages. */
  public String display(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    if (abs.startsWith(root)) {
      return root.relativize(abs).toString().replace('\\', '/');
    }
    return file.toString();
  }
}
