package dev.memdir.letta;

import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Durability;
import dev.memdir.format.Layout;
import dev.memdir.format.WriteLock;
import dev.memdir.history.HistoryLog;
import dev.memdir.memory.Block;
import dev.memdir.memory.BlockPath;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes planned agents: each into a hidden folder beside its target, moved into place when whole,
 * so a failed import leaves no half-written agent.
 */
final class AgentWriter {
  private AgentWriter() {}

  /** Fails unless every target is absent or an empty folder; checked before anything is written. */
  static void checkTargets(List<Path> targets) {
    for (Path t : targets) {
      if (Files.isRegularFile(t)) {
        throw new MemdirException(t + " is a file; give a new folder to import into");
      }
      if (Files.isDirectory(t)) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(t)) {
          if (ds.iterator().hasNext()) {
            throw new MemdirException(
                t + " is not empty; give a new or empty folder to import into");
          }
        } catch (IOException e) {
          throw new MemdirException("cannot read " + t + ": " + e.getMessage(), e);
        }
      }
    }
  }

  /** Writes one agent to {@code target} with its report. */
  static void write(AgentPlan plan, Path target, String report) {
    Path abs = target.toAbsolutePath().normalize();
    Path stage = abs.resolveSibling("." + abs.getFileName() + ".import-" + UUID.randomUUID());
    try {
      Files.createDirectories(stage);
      fill(plan, stage, report);
      if (Files.isDirectory(abs)) {
        Files.delete(abs); // checked empty
      }
      Files.move(stage, abs, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(stage);
      throw new MemdirException("cannot write " + target + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(stage);
      throw e;
    }
  }

  private static void fill(AgentPlan plan, Path root, String report) throws IOException {
    Layout layout = new Layout(root);
    for (Path d :
        List.of(layout.memoryDir(), layout.archivalDir(), layout.filesDir(), layout.historyDir())) {
      Files.createDirectories(d);
    }
    AtomicFiles.write(layout.systemPrompt(), plan.system());
    for (Block b : plan.blocks()) {
      Path file = BlockPath.fileOf(layout.memoryDir(), b.label());
      Files.createDirectories(file.getParent());
      AtomicFiles.write(file, b.render());
    }
    for (Map.Entry<String, String> f : plan.files().entrySet()) {
      Path file = layout.filesDir().resolve(f.getKey()).normalize();
      if (!file.startsWith(layout.filesDir())) {
        throw new MemdirException("file path escapes files/: " + f.getKey());
      }
      Files.createDirectories(file.getParent());
      AtomicFiles.write(file, f.getValue());
    }
    if (!plan.history().isEmpty()) {
      WriteLock lock = WriteLock.of(layout, WriteLock.DEFAULT_WAIT);
      // One hold for all appends: each append then re-enters it instead of locking anew.
      try (WriteLock.Hold hold = lock.acquire();
          HistoryLog log = HistoryLog.open(layout, Durability.NEVER, lock, Clock.systemUTC())) {
        for (AgentPlan.Entry e : plan.history()) {
          log.append(e.message(), e.ts());
        }
        log.sync();
      }
    }
    AtomicFiles.write(layout.gitignore(), ".memdir/\n");
    AtomicFiles.write(root.resolve(ImportReport.FILE), report);
    // agent.yaml last: its presence is what makes the folder an agent.
    AtomicFiles.write(layout.agentYaml(), plan.config().toYaml());
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  // best effort: a hidden staging folder is all that can remain
                }
              });
    } catch (IOException e) {
      // as above
    }
  }
}
