package dev.memdir.mcp;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Notices when core memory files change, whoever changed them (a person's editor, the CLI, a tool
 * call): every {@code interval} it lists each agent's {@code memory/} folder and compares each
 * block file's size, modification time and inode with the last look. One listing per agent per
 * tick, no file read, so it is cheap; polling rather than a WatchService because an editor's atomic
 * save (write elsewhere, rename over) and a new agent folder under a root are seen the same way.
 */
final class MemoryWatcher implements AutoCloseable {
  /** What the watcher reports. */
  interface Listener {
    /** The set of agents or of blocks changed. */
    void listChanged();

    /** The block {@code label} of agent {@code agent} changed (or appeared, or went). */
    void updated(String agent, String label);
  }

  private static final System.Logger LOG = System.getLogger(MemoryWatcher.class.getName());

  private final Agents agents;
  private final Listener listener;
  private final ScheduledExecutorService timer;
  private Map<String, Map<String, Object>> last;

  MemoryWatcher(Agents agents, Listener listener, long intervalMillis) {
    this.agents = agents;
    this.listener = listener;
    this.last = look();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "memdir-mcp-watch");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::tick, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** The labels of agent {@code name} as last seen, sorted. */
  synchronized List<String> labels(String name) {
    Map<String, Object> m = last.get(name);
    return m == null ? List.of() : List.copyOf(m.keySet());
  }

  /** The agents as last seen, sorted. */
  synchronized List<String> names() {
    return List.copyOf(last.keySet());
  }

  /** Looks now; the timer calls it, and so may a caller that wants a change seen at once. */
  synchronized void tick() {
    try {
      Map<String, Map<String, Object>> now = look();
      boolean listChanged = !now.keySet().equals(last.keySet());
      for (Map.Entry<String, Map<String, Object>> e : now.entrySet()) {
        Map<String, Object> before = last.getOrDefault(e.getKey(), Map.of());
        Map<String, Object> after = e.getValue();
        listChanged |= !before.keySet().equals(after.keySet());
        Set<String> labels = new java.util.TreeSet<>(before.keySet());
        labels.addAll(after.keySet());
        for (String label : labels) {
          if (!Objects.equals(before.get(label), after.get(label))) {
            listener.updated(e.getKey(), label);
          }
        }
      }
      last = now;
      if (listChanged) {
        listener.listChanged();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot check memory files: " + e.getMessage());
    }
  }

  private Map<String, Map<String, Object>> look() {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (String name : agents.names()) {
      Map<String, Object> files = new TreeMap<>();
      list(agents.listed(name).resolve("memory"), files);
      out.put(name, files);
    }
    return out;
  }

  private static void list(Path memory, Map<String, Object> files) {
    if (!Files.isDirectory(memory)) {
      return;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(memory, "*.md")) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          if (a.isRegularFile()) {
            files.put(
                name.substring(0, name.length() - 3),
                List.of(a.size(), a.lastModifiedTime().toString(), String.valueOf(a.fileKey())));
          }
        } catch (IOException e) {
          // Gone between the listing and the look: it is not there.
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot list " + memory + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
