package dev.memdir;

import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.AgentConfig;
import dev.memdir.format.Layout;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import dev.memdir.history.ConflictMarker;
import dev.memdir.history.HistoryLog;
import dev.memdir.memory.CoreMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem of an agent directory; one broken file never hides the others. */
final class AgentValidator {
  private AgentValidator() {}

  static Validation validate(Layout layout) {
    List<Problem> all = new ArrayList<>();
    AgentConfig.Read config = Agent.readConfig(layout);
    config.broken().forEach(b -> all.add(b.problem()));
    all.addAll(config.warnings());
    checkSystemPrompt(layout, all);
    all.addAll(new CoreMemory(layout).inspect().problems());
    all.addAll(new ArchivalStore(layout, Clock.systemUTC()).list().problems());
    checkFolder(layout, layout.filesDir(), all);
    checkFiles(layout, all);
    checkFolder(layout, layout.historyDir(), all);
    all.addAll(HistoryLog.validate(layout));
    checkGitignore(layout, all);
    checkConflictMarkers(layout, all);
    if (config.broken().isEmpty() && all.stream().noneMatch(Problem::isError)) {
      checkContextWindow(layout, all);
    }
    List<Problem> errors = new ArrayList<>();
    List<Problem> warnings = new ArrayList<>();
    for (Problem p : all) {
      (p.isError() ? errors : warnings).add(p);
    }
    return new Validation(errors, warnings);
  }

  /**
   * Warns when the parts sent on every step (system prompt, tools, core memory, metadata, rules)
   * exceed the context window, or leave less than half of it below the summarising threshold.
   */
  private static void checkContextWindow(Layout layout, List<Problem> out) {
    dev.memdir.agent.ContextReport r;
    try (Agent agent = Agent.open(layout.root())) {
      r = agent.context();
    } catch (RuntimeException e) {
      return; // a broken part is reported above; without it there is nothing to measure
    }
    long fixed =
        r.sections().stream()
            .filter(s -> !s.name().equals("messages") && !s.name().equals("summary"))
            .mapToLong(dev.memdir.agent.Section::tokens)
            .sum();
    long tools =
        r.sections().stream()
            .filter(s -> s.name().equals("tools"))
            .mapToLong(dev.memdir.agent.Section::tokens)
            .sum();
    String parts =
        "the parts sent on every step (system prompt, tools, core memory, metadata) take "
            + fixed
            + " tokens, tools alone "
            + tools;
    if (fixed >= r.contextWindow()) {
      out.add(
          Problem.warning(
              "agent.yaml",
              0,
              "context_window "
                  + r.contextWindow()
                  + " is too small: "
                  + parts
                  + "; no message fits, raise context_window or offer fewer tools"));
    } else if (fixed * 2 > r.thresholdTokens()) {
      out.add(
          Problem.warning(
              "agent.yaml",
              0,
              "context_window "
                  + r.contextWindow()
                  + " is crowded: "
                  + parts
                  + ", leaving "
                  + Math.max(0, r.thresholdTokens() - fixed)
                  + " for messages before the history is summarised"));
    }
  }

  private static void checkSystemPrompt(Layout layout, List<Problem> out) {
    Path file = layout.systemPrompt();
    if (!Files.exists(file)) {
      out.add(Problem.warning("system.md", 0, "missing; the agent runs without a system prompt"));
      return;
    }
    try {
      TextFiles.read(file, "system.md", Agent.MAX_SETTINGS_BYTES);
    } catch (FormatException e) {
      out.add(Problem.of(e));
    } catch (MemdirException e) {
      out.add(Problem.error("system.md", 0, e.getMessage()));
    }
  }

  private static void checkFolder(Layout layout, Path dir, List<Problem> out) {
    if (Files.isSymbolicLink(dir)) {
      // A cloned directory can carry a link to anywhere; nothing under it is read.
      out.add(Problem.error(layout.display(dir), 0, TextFiles.SYMBOLIC_LINK + " (a folder)"));
    } else if (Files.exists(dir) && !Files.isDirectory(dir)) {
      out.add(Problem.error(layout.display(dir), 0, "is a file, expected a folder"));
    }
  }

  /**
   * Warns about what under {@code files/} the search tools leave out: links (not followed), binary
   * and non-UTF-8 files (not text). Hidden names are left out on purpose and not reported.
   */
  private static void checkFiles(Layout layout, List<Problem> out) {
    Path root = layout.filesDir();
    if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (var walk = Files.walk(root)) {
      walk.filter(p -> !p.equals(root)).sorted().forEach(all::add);
    } catch (IOException | java.io.UncheckedIOException e) {
      out.add(Problem.warning("files", 0, "cannot list: " + e.getMessage()));
      return;
    }
    for (Path p : all) {
      String rel = root.relativize(p).toString().replace('\\', '/');
      if (rel.startsWith(".") || rel.contains("/.")) {
        continue;
      }
      String name = layout.display(p);
      if (Files.isSymbolicLink(p)) {
        out.add(
            Problem.warning(
                name,
                0,
                "a symbolic link"
                    + (Files.isDirectory(p) ? " to a folder" : "")
                    + "; links are not followed, so the search tools do not see what it points to"));
      } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        textProblem(p).ifPresent(why -> out.add(Problem.warning(name, 0, why)));
      }
    }
  }

  /** Why a file is not text the search tools read: binary, or not UTF-8. */
  private static java.util.Optional<String> textProblem(Path file) {
    byte[] head;
    try (var in = Files.newInputStream(file)) {
      head = in.readNBytes(1 << 20);
    } catch (IOException e) {
      return java.util.Optional.of("cannot read: " + e.getMessage());
    }
    for (byte b : head) {
      if (b == 0) {
        return java.util.Optional.of("a binary file; the search tools skip it");
      }
    }
    try {
      java.nio.charset.StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(head, 0, safeEnd(head)));
    } catch (java.nio.charset.CharacterCodingException e) {
      return java.util.Optional.of("not UTF-8 text; the search tools skip it");
    }
    return java.util.Optional.empty();
  }

  /** The end of {@code b} without a UTF-8 sequence the 1 MiB cut may have split. */
  private static int safeEnd(byte[] b) {
    int end = b.length;
    if (end < (1 << 20)) {
      return end;
    }
    int i = end - 1;
    while (i > end - 4 && i > 0 && (b[i] & 0xC0) == 0x80) {
      i--;
    }
    return (b[i] & 0x80) == 0 ? end : i;
  }

  /** Marker lines a git merge left in any text file (history/ reports its own). */
  private static void checkConflictMarkers(Layout layout, List<Problem> out) {
    List<Path> files = new ArrayList<>();
    try (var walk = Files.walk(layout.root())) {
      walk.filter(Files::isRegularFile)
          .filter(
              p -> {
                String rel = layout.root().relativize(p).toString().replace('\\', '/');
                return !rel.startsWith(".memdir/")
                    && !rel.startsWith(".git/")
                    && !rel.startsWith("history/");
              })
          .sorted()
          .forEach(files::add);
    } catch (IOException | java.io.UncheckedIOException e) {
      return; // the folder checks above report what cannot be listed
    }
    for (Path f : files) {
      try {
        if (Files.size(f) > Layout.MAX_MARKDOWN_BYTES) {
          continue;
        }
        List<String> lines =
            java.nio.charset.StandardCharsets.UTF_8
                .newDecoder()
                .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(f)))
                .toString()
                .lines()
                .toList();
        for (int i = 0; i < lines.size(); i++) {
          if (ConflictMarker.is(lines.get(i))) {
            out.add(Problem.error(layout.display(f), i + 1, ConflictMarker.MESSAGE));
          }
        }
      } catch (IOException e) {
        // Not UTF-8 text, or unreadable: the checks of each kind of file report it.
      }
    }
  }

  private static void checkGitignore(Layout layout, List<Problem> out) {
    Path file = layout.gitignore();
    try {
      if (!Files.exists(file)
          || TextFiles.read(file, ".gitignore", Agent.MAX_SETTINGS_BYTES)
              .lines()
              .map(String::strip)
              .noneMatch(
                  l -> l.equals(".memdir/") || l.equals(".memdir") || l.equals("/.memdir/"))) {
        out.add(
            Problem.warning(
                ".gitignore",
                0,
                "does not ignore .memdir/; add the line .memdir/ so derived state stays out of git"));
      }
    } catch (MemdirException e) {
      out.add(Problem.warning(".gitignore", 0, "cannot read: " + e.getMessage()));
    }
  }
}
