package dev.memdir.search;

import dev.memdir.AgentBusyException;
import dev.memdir.MemdirException;
import dev.memdir.format.TextFiles;
import dev.memdir.format.WriteLock;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * One Lucene index under {@code .memdir/index/NAME/}: opening it, rebuilding it into a temporary
 * folder and swapping it in, and writing to it under a lock that other memdir processes honour.
 *
 * <p>Every commit carries {@code memdir.format} and the caller's analysis signature in its user
 * data; an index without them, or with other values, is rebuilt, as is one Lucene cannot read. When
 * {@code .memdir/} cannot be written, the index is kept in memory instead.
 */
final class IndexStore implements Closeable {
  /** The version of the documents this code writes; an index of another version is rebuilt. */
  static final String FORMAT = "5";

  /** How long a write waits for another instance's write to end, as long as agent writers wait. */
  static final Duration LOCK_WAIT = WriteLock.DEFAULT_WAIT;

  static final String FORMAT_KEY = "memdir.format";
  static final String ANALYSIS_KEY = "memdir.analysis";

  private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final Path dir;
  private final Path lockFile;
  private final String display;
  private final Analyzer analyzer;
  private final String analysis;
  private Directory directory;
  private DirectoryReader reader;
  private boolean inMemory;
  private Duration lockWait = LOCK_WAIT;

  /** Fills a writer and returns extra user data for the commit. */
  interface WriterAction {
    /** Writes documents; returns user data to merge into the commit's. */
    Map<String, String> apply(IndexWriter writer) throws IOException;
  }

  /**
   * The index at {@code dir}.
   *
   * @param display the index's name in messages, relative to the agent directory
   * @param analysis the signature of the settings the documents were analysed with
   */
  IndexStore(Path dir, String display, Analyzer analyzer, String analysis) {
    this.dir = dir;
    this.lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
    this.display = display;
    this.analyzer = analyzer;
    this.analysis = analysis;
  }

  /** The open reader, or empty when the index must first be built. */
  Optional<DirectoryReader> reader() {
    return Optional.ofNullable(reader);
  }

  /** Whether the index lives in memory because its folder could not be written. */
  boolean inMemory() {
    return inMemory;
  }

  /** The user data of the open index's last commit. */
  Map<String, String> userData() {
    try {
      return reader == null ? Map.of() : reader.getIndexCommit().getUserData();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Closes the reader when the index folder was deleted under it (a person removed {@code
   * .memdir/}); one {@code stat} per call.
   *
   * @return why the index must be rebuilt, if it must
   */
  Optional<String> checkStillThere() {
    if (reader != null && !inMemory && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      closeReader();
      return Optional.of(display + " was deleted");
    }
    return Optional.empty();
  }

  /**
   * Whether a newer commit than the open reader's is on disk (another instance wrote it); one
   * listing of the folder.
   */
  boolean changedOnDisk() {
    if (reader == null || inMemory) {
      return false;
    }
    try {
      return !reader.isCurrent();
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /**
   * Opens the index on disk.
   *
   * @return empty when it is open, else why it must be rebuilt
   */
  Optional<String> open() {
    if (reader != null) {
      return Optional.empty();
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(display + " is missing");
    }
    try {
      Directory d = FSDirectory.open(dir);
      DirectoryReader r;
      try {
        r = DirectoryReader.open(d);
      } catch (IOException | RuntimeException e) {
        d.close();
        throw e;
      }
      Map<String, String> data = r.getIndexCommit().getUserData();
      String format = data.get(FORMAT_KEY);
      String why = null;
      if (format == null) {
        why = display + " has no memdir format version";
      } else if (!format.equals(FORMAT)) {
        why = display + " is format " + format + ", this memdir writes format " + FORMAT;
      } else if (!analysis.equals(data.get(ANALYSIS_KEY))) {
        why = "the search settings changed (" + data.get(ANALYSIS_KEY) + " -> " + analysis + ")";
      }
      if (why != null) {
        r.close();
        d.close();
        return Optional.of(why);
      }
      directory = d;
      reader = r;
      return Optional.empty();
    } catch (IndexNotFoundException e) {
      return Optional.of(display + " holds no index");
    } catch (IndexFormatTooOldException | IndexFormatTooNewException e) {
      return Optional.of(display + " was written by another Lucene version");
    } catch (IOException | RuntimeException e) {
      return Optional.of(display + " is corrupt (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Builds a new index with {@code fill} into a temporary folder and swaps it in, or, when the
   * folder cannot be written, builds it in memory.
   *
   * @return a note when the index had to stay in memory
   */
  Optional<String> rebuild(WriterAction fill) {
    closeReader();
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    Path old = dir.resolveSibling(dir.getFileName() + ".old");
    try (Locked l = lock()) {
      if (l.inMemoryOnly) {
        return Optional.of(buildInMemory(fill, l.why));
      }
      deleteTree(tmp);
      try (Directory d = FSDirectory.open(tmp)) {
        write(d, fill, true);
      }
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        deleteTree(old);
        Files.move(dir, old);
      }
      Files.move(tmp, dir);
      deleteTree(old);
      directory = FSDirectory.open(dir);
      reader = DirectoryReader.open(directory);
      inMemory = false;
      return Optional.empty();
    } catch (IOException e) {
      closeReader();
      return Optional.of(buildInMemory(fill, e.getMessage()));
    }
  }

  private String buildInMemory(WriterAction fill, String why) {
    try {
      Directory d = new ByteBuffersDirectory();
      write(d, fill, true);
      directory = d;
      reader = DirectoryReader.open(d);
      inMemory = true;
      return "cannot write " + display + " (" + why + "); the index is kept in memory";
    } catch (IOException e) {
      throw new MemdirException("cannot build the index in memory: " + e.getMessage(), e);
    }
  }

  /**
   * Applies {@code action} in one commit and reopens the reader on the result.
   *
   * @return empty on success, else why the index could not be updated (it was deleted or damaged
   *     under us) and must be rebuilt
   */
  Optional<String> update(WriterAction action) {
    if (reader == null) {
      throw new IllegalStateException("update before open");
    }
    if (!inMemory && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      closeReader();
      return Optional.of(display + " was deleted");
    }
    // Outside the try: waiting too long is an answer to give, not damage to repair.
    Locked held = inMemory ? null : lock();
    try (Locked l = held) {
      write(directory, action, false);
      DirectoryReader fresh = DirectoryReader.openIfChanged(reader);
      if (fresh != null) {
        reader.close();
        reader = fresh;
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      closeReader();
      return Optional.of(
          display
              + " could not be updated ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")");
    }
  }

  private void write(Directory d, WriterAction action, boolean create) throws IOException {
    IndexWriterConfig cfg =
        new IndexWriterConfig(analyzer)
            .setOpenMode(
                create ? IndexWriterConfig.OpenMode.CREATE : IndexWriterConfig.OpenMode.APPEND)
            .setSimilarity(new BM25Similarity())
            .setRAMBufferSizeMB(64)
            // Small indexes: packing each flush into a compound file only copies bytes again.
            .setUseCompoundFile(false)
            .setCommitOnClose(false);
    try (IndexWriter w = new IndexWriter(d, cfg)) {
      Map<String, String> data = new HashMap<>();
      if (!create) {
        w.getLiveCommitData().forEach(e -> data.put(e.getKey(), e.getValue()));
      }
      data.putAll(action.apply(w));
      data.put(FORMAT_KEY, FORMAT);
      data.put(ANALYSIS_KEY, analysis);
      w.setLiveCommitData(data.entrySet());
      w.commit();
    }
  }

  @Override
  public void close() {
    closeReader();
  }

  private void closeReader() {
    try {
      if (reader != null) {
        reader.close();
      }
      if (directory != null) {
        directory.close();
      }
    } catch (IOException e) {
      // Closing a reader frees memory maps; a failure leaves nothing to repair.
    } finally {
      reader = null;
      directory = null;
    }
  }

  /**
   * The inter-process lock on this index; also excludes other instances in this process. Waits up
   * to {@link #lockWait}, then gives up naming the holder: a search stopped mid-rebuild (a process
   * suspended, a debugger) must not make every other search wait with no word.
   *
   * @throws AgentBusyException when the wait runs out
   */
  private Locked lock() {
    long deadline = System.nanoTime() + lockWait.toNanos();
    ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile, p -> new ReentrantLock());
    try {
      if (!local.tryLock(lockWait.toNanos(), TimeUnit.NANOSECONDS)) {
        long self = ProcessHandle.current().pid();
        throw busy("another thread of process " + self, self);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MemdirException("interrupted while waiting for " + display + ".lock", e);
    }
    boolean locked = false;
    try {
      Files.createDirectories(lockFile.getParent());
      FileChannel ch =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      try {
        FileLock fl = tryLock(ch);
        while (fl == null) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            long pid = holderPid();
            throw busy(pid < 0 ? "another process" : "process " + pid, pid);
          }
          Thread.sleep(Math.max(1, Math.min(10, TimeUnit.NANOSECONDS.toMillis(left))));
          fl = tryLock(ch);
        }
        ch.truncate(0);
        ch.write(
            ByteBuffer.wrap(
                (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
            0);
        locked = true;
        return new Locked(local, ch, fl, false, null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MemdirException("interrupted while waiting for " + display + ".lock", e);
      } finally {
        if (!locked) {
          ch.close();
        }
      }
    } catch (IOException e) {
      locked = true; // the caller builds in memory and releases the local lock
      return new Locked(local, null, null, true, e.getMessage());
    } finally {
      if (!locked) {
        local.unlock();
      }
    }
  }

  private static FileLock tryLock(FileChannel ch) throws IOException {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // this file reached by another path, held in this process
    }
  }

  private AgentBusyException busy(String holder, long pid) {
    return new AgentBusyException(
        "the search index "
            + display
            + " is in use by "
            + holder
            + " (waited "
            + seconds(lockWait)
            + " for "
            + display
            + ".lock); try again when it is done",
        pid);
  }

  private long holderPid() {
    try {
      String text =
          new String(
                  TextFiles.readBytes(lockFile, display + ".lock", 64), StandardCharsets.US_ASCII)
              .strip();
      return text.matches("\\d{1,19}") ? Long.parseLong(text) : -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : String.format("%.3f s", ms / 1000.0);
  }

  /** Sets how long a write waits for the lock; for tests. */
  void lockWait(Duration wait) {
    this.lockWait = wait;
  }

  private static final class Locked implements AutoCloseable {
    final ReentrantLock local;
    final FileChannel channel;
    final FileLock lock;
    final boolean inMemoryOnly;
    final String why;

    Locked(ReentrantLock local, FileChannel ch, FileLock lock, boolean inMemoryOnly, String why) {
      this.local = local;
      this.channel = ch;
      this.lock = lock;
      this.inMemoryOnly = inMemoryOnly;
      this.why = why;
    }

    @Override
    public void close() {
      try {
        if (channel != null) {
          channel.truncate(0); // a stale pid would only make a busy message less exact
        }
        if (lock != null) {
          lock.release();
        }
        if (channel != null) {
          channel.close();
        }
      } catch (IOException e) {
        // Closing the channel releases the lock in any case.
      } finally {
        local.unlock();
      }
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(q);
      }
    }
  }
}
