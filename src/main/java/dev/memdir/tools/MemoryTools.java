package dev.memdir.tools;

import dev.memdir.memory.Actor;
import dev.memdir.memory.Block;
import dev.memdir.memory.CoreMemory;
import java.util.List;
import java.util.Optional;

/**
 * The core-memory tools, with Letta's names and parameters: {@code memory_replace}, {@code
 * memory_insert}, {@code memory_rethink}, and the MemGPT-era {@code core_memory_append} and {@code
 * core_memory_replace}. Every edit is an {@link Actor#AGENT} edit based on the value the model saw.
 */
final class MemoryTools {
  /** A block this full (share of its limit) gets a warning in the tool's result. */
  static final double NEARLY_FULL = 0.9;

  private static final String LABEL =
      "The block to edit, by its label (such as human, persona or system/human).";

  private final CoreMemory memory;

  MemoryTools(CoreMemory memory) {
    this.memory = memory;
  }

  List<Tool> all() {
    return List.of(replace(), insert(), rethink(), coreAppend(), coreReplace());
  }

  private Tool replace() {
    return new Tool(
        "memory_replace",
        "Replace one exact piece of text in a core memory block with new text, for precise edits."
            + " old_str must occur exactly once in the block; copy it verbatim, whitespace"
            + " included. To delete text, pass an empty new_str.",
        Schema.object()
            .string("label", LABEL, true)
            .string("old_str", "The text to replace; it must occur exactly once.", true)
            .string("new_str", "The text to put in its place.", true),
        (a, seen) -> {
          String label = a.string("label");
          Block b =
              memory.replace(
                  Actor.AGENT,
                  label,
                  a.string("old_str"),
                  a.string("new_str"),
                  seen.basedOn(label));
          return edited(b, seen);
        });
  }

  private Tool insert() {
    return new Tool(
        "memory_insert",
        "Insert text as new lines into a core memory block: at the end by default, at the top"
            + " with insert_line 0, or after line N.",
        Schema.object()
            .string("label", LABEL, true)
            .string("new_str", "The text to insert.", true)
            .integer(
                "insert_line",
                "The line after which to insert: 0 for the top, -1 (the default) for the end.",
                false),
        (a, seen) -> {
          String label = a.string("label");
          int line = a.integer("insert_line", -1, -1, Integer.MAX_VALUE);
          Block b =
              memory.insert(Actor.AGENT, label, a.string("new_str"), line, seen.basedOn(label));
          return edited(b, seen);
        });
  }

  private Tool rethink() {
    return new Tool(
        "memory_rethink",
        "Rewrite a core memory block completely, to reorganise or condense it. new_memory"
            + " replaces the whole block, so it must keep everything still true. For small edits"
            + " use memory_replace or memory_insert.",
        Schema.object()
            .string("label", LABEL, true)
            .string("new_memory", "The block's complete new text.", true),
        (a, seen) -> {
          String label = a.string("label");
          Block b = memory.rethink(Actor.AGENT, label, a.string("new_memory"), seen.basedOn(label));
          return edited(b, seen);
        });
  }

  private Tool coreAppend() {
    return new Tool(
        "core_memory_append",
        "Append text on a new line at the end of a core memory block.",
        Schema.object().string("label", LABEL, true).string("content", "The text to append.", true),
        (a, seen) -> {
          String label = a.string("label");
          Block b = memory.append(Actor.AGENT, label, a.string("content"), seen.basedOn(label));
          return edited(b, seen);
        });
  }

  private Tool coreReplace() {
    return new Tool(
        "core_memory_replace",
        "Replace one exact piece of text in a core memory block. old_content must occur exactly"
            + " once; to delete it, pass an empty new_content.",
        Schema.object()
            .string("label", LABEL, true)
            .string("old_content", "The text to replace; it must occur exactly once.", true)
            .string("new_content", "The text to put in its place.", true),
        (a, seen) -> {
          String label = a.string("label");
          Block b =
              memory.replace(
                  Actor.AGENT,
                  label,
                  a.string("old_content"),
                  a.string("new_content"),
                  seen.basedOn(label));
          return edited(b, seen);
        });
  }

  /** Records the model's own edit as seen, and says how full the block is now. */
  private static String edited(Block b, SeenBlocks seen) {
    seen.saw(b.label(), b.valueHash());
    String out =
        "Edited core memory block '"
            + b.label()
            + "': it now holds "
            + b.chars()
            + " / "
            + b.limit()
            + " chars. The new text is in <memory_blocks> from your next step.";
    Optional<String> warning = pressure(b);
    return warning.map(w -> out + " " + w).orElse(out);
  }

  static Optional<String> pressure(Block b) {
    if (b.chars() < NEARLY_FULL * b.limit()) {
      return Optional.empty();
    }
    long percent = Math.round(100.0 * b.chars() / b.limit());
    return Optional.of(
        "It is "
            + percent
            + "% full: condense it with memory_rethink or move details to"
            + " archival memory before adding more.");
  }
}
