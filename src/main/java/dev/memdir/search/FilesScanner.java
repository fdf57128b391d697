package dev.memdir.search;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The freshness walk of {@code files/}, made cheap enough to run before every search: one {@code
 * lstat} per folder and per file. A folder is listed again only when its modification time changed
 * (an entry was added, removed or renamed) or is too recent to trust; otherwise its remembered
 * entries are stat-ed directly.
 *
 * <p>Where the operating system reports changes (inotify on Linux), every folder of the tree is
 * watched and the walk is skipped while nothing was reported: a search touches a file of its own in
 * {@code .memdir/watch/} and waits for that change to come through the same queue, so every change
 * made before the search began has been reported by then. A full walk still runs at least every
 * {@link #FULL_WALK_NANOS}, for changes no event reports (writes through a shared memory map,
 * another host writing a network file system), and whenever watching fails.
 */
final class FilesScanner implements AutoCloseable {
  /** The longest the walk is skipped, whatever the watcher says. */
  static final long FULL_WALK_NANOS = 5_000_000_000L;

  /** How long a search waits for its own change to be reported before it walks instead. */
  private static final long BARRIER_TIMEOUT_MILLIS = 1_000;

  private static final AtomicLong TICKS = new AtomicLong();

  private final Path root;
  private final Path watchDir;
  private final boolean recursive;
  private final Map<Path, Folder> folders = new HashMap<>();
  private WatchService watcher;
  private WatchKey barrierKey;
  private final Set<Object> watched = new HashSet<>();

  /** Whether watching failed once; the walk then runs on every scan. */
  private boolean watchingFailed;

  private FilesRoot.Listing last;
  private Object lastRootKey;
  private long lastWalkNanos;
  private int walks;

  /** This scanner's own file in the watch folder. */
  private final String tick =
      "tick-" + ProcessHandle.current().pid() + "-" + TICKS.incrementAndGet();

  /** A folder as last listed: its time, when it was listed, its files and subfolders. */
  private record Folder(
      long mtimeNanos,
      long listedAtNanos,
      List<Child> files,
      List<Path> folders,
      List<String> skipped) {}

  /** A file of a folder, with its name relative to {@code files/}. */
  private record Child(String name, Path path) {}

  /**
   * A scanner of {@code root}.
   *
   * @param watchDir a folder of memdir's own where the scanner may touch a file, or empty to walk
   *     on every scan
   */
  FilesScanner(Path root, Optional<Path> watchDir) {
    this(root, watchDir, true);
  }

  /**
   * A scanner of {@code root}'s own files only, its subfolders neither listed nor watched (for
   * {@code archival/}, whose facts are the {@code .md} files directly in it).
   */
  static FilesScanner flat(Path root, Optional<Path> watchDir) {
    return new FilesScanner(root, watchDir, false);
  }

  private FilesScanner(Path root, Optional<Path> watchDir, boolean recursive) {
    this.root = root;
    this.watchDir = watchDir.orElse(null);
    this.watchingFailed = watchDir.isEmpty();
    this.recursive = recursive;
  }

  /**
   * The regular, unhidden files under {@code files/} with their current size and time; the same
   * object as last time when nothing changed since.
   */
  FilesRoot.Listing scan() {
    BasicFileAttributes a = attrs(root);
    if (a == null || !a.isDirectory()) {
      folders.clear();
      last = null;
      List<String> skipped = new ArrayList<>();
      FilesRoot.rootProblem(root).ifPresent(skipped::add);
      return new FilesRoot.Listing(List.of(), skipped);
    }
    long now = System.nanoTime();
    if (last != null
        && !watchingFailed
        && a.fileKey() != null
        && a.fileKey().equals(lastRootKey)
        && now - lastWalkNanos < FULL_WALK_NANOS
        && nothingReported()) {
      return last;
    }
    // A one-off search (the CLI) walks once and never pays for a watcher.
    boolean watch = walks++ > 0 && startWatching();
    List<FilesRoot.Entry> out = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    scan(root, "", a, 0, out, skipped, watch);
    out.sort((x, y) -> x.name().compareTo(y.name()));
    FilesRoot.Listing listing = new FilesRoot.Listing(List.copyOf(out), List.copyOf(skipped));
    if (watch && !watchingFailed) {
      last = listing;
      lastRootKey = a.fileKey();
      lastWalkNanos = now;
    }
    return listing;
  }

  /**
   * Whether no change under {@code files/} was reported up to now: touches the barrier file and
   * takes reported folders off the queue until its own change comes through.
   */
  private boolean nothingReported() {
    boolean quiet = true;
    try {
      Files.setLastModifiedTime(watchDir.resolve(tick), FileTime.from(Instant.now()));
      long deadline = System.nanoTime() + BARRIER_TIMEOUT_MILLIS * 1_000_000L;
      while (true) {
        long left = deadline - System.nanoTime();
        WatchKey k = left <= 0 ? null : watcher.poll(left, TimeUnit.NANOSECONDS);
        if (k == null) {
          // A late barrier event could end a later wait too early: stop trusting the watcher.
          stopWatching();
          return false;
        }
        List<WatchEvent<?>> events = k.pollEvents();
        boolean valid = k.reset();
        if (k == barrierKey) {
          if (!valid) {
            stopWatching();
            return false;
          }
          // Another Search of this agent touches a file of its own; only this one's ends the wait.
          if (events.stream().anyMatch(e -> tick.equals(String.valueOf(e.context())))) {
            // Every change before the touch has been handed to its key by now, but a key may
            // sit behind this one in the queue (another Search's touch queued it earlier).
            return drained() && quiet;
          }
          continue;
        }
        quiet = false;
        if (!valid || events.stream().anyMatch(e -> e.kind() == StandardWatchEventKinds.OVERFLOW)) {
          // A watched folder went away, or events were lost; the walk sets things up again.
          watched.clear();
        }
      }
    } catch (IOException | RuntimeException e) {
      stopWatching();
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Takes every queued key off the queue; true when none was a folder of {@code files/}. */
  private boolean drained() {
    boolean quiet = true;
    for (WatchKey k = watcher.poll(); k != null; k = watcher.poll()) {
      List<WatchEvent<?>> events = k.pollEvents();
      boolean valid = k.reset();
      if (k == barrierKey) {
        continue;
      }
      quiet = false;
      if (!valid || events.stream().anyMatch(e -> e.kind() == StandardWatchEventKinds.OVERFLOW)) {
        watched.clear();
      }
    }
    return quiet;
  }

  /** Starts the watcher if it is not running; false when changes cannot be watched. */
  private boolean startWatching() {
    if (watchingFailed) {
      return false;
    }
    if (watcher != null) {
      return true;
    }
    try {
      Files.createDirectories(watchDir);
      Files.write(watchDir.resolve(tick), new byte[0]);
      watcher = root.getFileSystem().newWatchService();
      barrierKey = watchDir.register(watcher, StandardWatchEventKinds.ENTRY_MODIFY);
      watched.clear();
      return true;
    } catch (IOException | RuntimeException e) {
      stopWatching();
      return false;
    }
  }

  private void watch(Path dir) {
    if (watcher == null) {
      return;
    }
    try {
      Object key =
          Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      if (key == null || !watched.add(key)) {
        return;
      }
      dir.register(
          watcher,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_DELETE,
          StandardWatchEventKinds.ENTRY_MODIFY);
    } catch (IOException | RuntimeException e) {
      // Too many watches, or the folder went away: walk on every scan from now on.
      stopWatching();
    }
  }

  private void stopWatching() {
    watchingFailed = true;
    last = null;
    close();
  }

  @Override
  public void close() {
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        // Closing the watcher frees its thread; nothing to repair.
      }
      watcher = null;
      barrierKey = null;
      try {
        Files.deleteIfExists(watchDir.resolve(tick));
      } catch (IOException e) {
        // A leftover empty file in .memdir/watch/ does no harm.
      }
    }
  }

  private void scan(
      Path dir,
      String prefix,
      BasicFileAttributes attrs,
      int depth,
      List<FilesRoot.Entry> out,
      List<String> skipped,
      boolean watch) {
    if (depth > FilesRoot.MAX_DEPTH) {
      skipped.add("files/" + prefix + ": more than " + FilesRoot.MAX_DEPTH + " folders deep");
      return;
    }
    if (watch) {
      // Watched before it is listed, so a change after the listing is reported.
      watch(dir);
    }
    long mtime = attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    Folder f = folders.get(dir);
    if (f == null
        || f.mtimeNanos() != mtime
        || mtime >= f.listedAtNanos() - SourceState.RACY_NANOS) {
      f = list(dir, prefix, mtime);
      folders.put(dir, f);
    }
    skipped.addAll(f.skipped());
    boolean vanished = false;
    for (Child c : f.files()) {
      BasicFileAttributes ca = attrs(c.path());
      if (ca == null || !ca.isRegularFile()) {
        vanished = true;
        continue;
      }
      out.add(
          new FilesRoot.Entry(
              c.name(), c.path(), ca.size(), ca.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
    }
    for (Path sub : recursive ? f.folders() : List.<Path>of()) {
      BasicFileAttributes sa = attrs(sub);
      if (sa == null || !sa.isDirectory()) {
        vanished = true;
        continue;
      }
      scan(sub, prefix + sub.getFileName() + "/", sa, depth + 1, out, skipped, watch);
    }
    if (vanished) {
      folders.remove(dir);
    }
  }

  private static Folder list(Path dir, String prefix, long mtime) {
    long listedAt = now();
    List<Path> children = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (!p.getFileName().toString().startsWith(".")) {
          children.add(p);
        }
      }
    } catch (IOException e) {
      skipped.add("files/" + prefix + ": cannot list: " + e.getMessage());
    }
    children.sort(null);
    List<Child> files = new ArrayList<>();
    List<Path> folders = new ArrayList<>();
    for (Path p : children) {
      String name = prefix + p.getFileName();
      BasicFileAttributes a = attrs(p);
      if (a == null) {
        continue;
      }
      if (a.isSymbolicLink()) {
        skipped.add("files/" + name + ": a symbolic link; links are not followed");
      } else if (a.isDirectory()) {
        folders.add(p);
      } else if (a.isRegularFile()) {
        files.add(new Child(name, p));
      } else {
        skipped.add("files/" + name + ": not a regular file");
      }
    }
    return new Folder(
        mtime, listedAt, List.copyOf(files), List.copyOf(folders), List.copyOf(skipped));
  }

  private static BasicFileAttributes attrs(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  private static long now() {
    Instant t = Instant.now();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
