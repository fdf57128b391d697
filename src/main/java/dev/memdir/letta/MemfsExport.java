package dev.memdir.letta;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.memdir.Agent;
import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Problem;
import dev.memdir.memory.Block;
import dev.memdir.memory.BlockPath;
import dev.memdir.memory.CoreMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes an agent's memory as a Letta Code memory folder (MemFS):
 *
 * <pre>
 * List&lt;ImportReport.Item&gt; notes = MemfsExport.export(Path.of("agents/ada"), Path.of("memory"));
 * </pre>
 *
 * <p>Each block becomes {@code <label>.md} with the front matter Letta Code's pre-commit hook
 * accepts: {@code description} (required, not empty), {@code read_only} and the legacy {@code
 * limit}. The old server's {@code metadata} and any other key are dropped and noted, so the hook
 * passes. {@code files/skills/} becomes {@code skills/}. Files already in the folder that no block
 * writes are left alone.
 */
public final class MemfsExport {
  private static final Set<String> HOOK_KEYS = Set.of("description", "read_only", "limit");

  private MemfsExport() {}

  /** Writes {@code agentDir}'s blocks and skills into {@code folder}; returns what was changed. */
  public static List<ImportReport.Item> export(Path agentDir, Path folder) {
    List<ImportReport.Item> notes = new ArrayList<>();
    try (Agent agent = Agent.open(agentDir)) {
      CoreMemory.Snapshot s = agent.memory().load();
      for (Problem p : s.problems()) {
        if (p.isError() && !p.message().contains("over its limit")) {
          notes.add(new ImportReport.Item(p.file(), "not exported: " + p.message()));
        }
      }
      Files.createDirectories(folder);
      for (Block b : s.blocks()) {
        Path file = BlockPath.fileOf(folder, b.label());
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, render(b, notes));
        if (!BlockPath.inContext(b.label()) || b.label().startsWith("system/")) {
          continue;
        }
        notes.add(
            new ImportReport.Item(
                b.label() + ".md",
                "in memdir's context but outside"
                    + " system/, so Letta Code will not pin it; rename it system/"
                    + b.label()
                    + " to keep it in context"));
      }
      skills(agent.layout().filesDir().resolve("skills"), folder.resolve("skills"), notes);
    } catch (IOException e) {
      throw new MemdirException("cannot write " + folder + ": " + e.getMessage(), e);
    }
    return notes;
  }

  /** The block's file text, with front matter only of the keys Letta Code's hook accepts. */
  static String render(Block b, List<ImportReport.Item> notes) {
    String where = b.label() + ".md";
    boolean acceptable =
        b.hasFrontMatter()
            && !b.description().isBlank()
            && b.metadata().isEmpty()
            && b.extra().isEmpty();
    if (b.readOnly()) {
      notes.add(
          new ImportReport.Item(
              where,
              "read_only: true written; Letta Code's hook refuses"
                  + " a commit that adds or changes it (the server sets it), so commit it as the user"));
    }
    if (acceptable) {
      return b.render();
    }
    if (!b.metadata().isEmpty()) {
      notes.add(
          new ImportReport.Item(
              where,
              "metadata dropped (Letta Code's pre-commit hook"
                  + " refuses the key): "
                  + b.metadata()));
    }
    if (!b.extra().isEmpty()) {
      notes.add(
          new ImportReport.Item(
              where,
              "front matter keys "
                  + String.join(", ", AfReader.fieldNames(b.extra()))
                  + " dropped (the hook refuses"
                  + " unknown keys)"));
    }
    String description = b.description();
    if (description.isBlank()) {
      description = b.label();
      notes.add(
          new ImportReport.Item(
              where, "no description; the hook requires one, so it is" + " the label"));
    }
    Block out =
        new Block(
            b.label(),
            description,
            b.limit(),
            b.readOnly(),
            JsonNodeFactory.instance.objectNode(),
            b.value(),
            JsonNodeFactory.instance.objectNode(),
            true,
            "");
    return out.render();
  }

  private static void skills(Path from, Path to, List<ImportReport.Item> notes) throws IOException {
    if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(from)) {
      all = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
    for (Path p : all) {
      String rel = from.relativize(p).toString().replace('\\', '/');
      if (rel.startsWith(".") || rel.contains("/.")) {
        continue;
      }
      if (!rel.contains("/")) {
        notes.add(
            new ImportReport.Item(
                "files/skills/" + rel,
                "skills must be folders" + " (skills/NAME/SKILL.md); not exported"));
        continue;
      }
      Path target = to.resolve(rel);
      Files.createDirectories(target.getParent());
      AtomicFiles.write(target, Files.readAllBytes(p));
    }
  }
}
