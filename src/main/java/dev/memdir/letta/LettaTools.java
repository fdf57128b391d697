package dev.memdir.letta;

import dev.memdir.format.AgentConfig;
import java.util.Map;
import java.util.Optional;

/** Letta's tool names and memdir's, and the tool_type an export gives each memdir tool. */
final class LettaTools {
  /** Letta tools memdir offers under another name. */
  private static final Map<String, String> RENAMED =
      Map.of("semantic_search_files", "search_files");

  private LettaTools() {}

  /** The memdir tool for a Letta tool name, if memdir has one. */
  static Optional<String> toMemdir(String lettaName) {
    String name = RENAMED.getOrDefault(lettaName, lettaName);
    return AgentConfig.KNOWN_TOOLS.contains(name) ? Optional.of(name) : Optional.empty();
  }

  /** The Letta name of a memdir tool; empty for close_files, which Letta folds into open_files. */
  static Optional<String> toLetta(String memdirName) {
    if (memdirName.equals("close_files")) {
      return Optional.empty();
    }
    return Optional.of(memdirName.equals("search_files") ? "semantic_search_files" : memdirName);
  }

  static String toolType(String memdirName) {
    return switch (memdirName) {
      case "memory_replace", "memory_insert", "memory_rethink" -> "letta_memory_core";
      case "grep_files", "open_files", "search_files" -> "letta_files_core";
      default -> "letta_core";
    };
  }
}
