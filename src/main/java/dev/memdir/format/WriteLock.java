package dev.memdir.format;

import dev.memdir.AgentBusyException;
import dev.memdir.MemdirException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one-writer-at-a-time lock of an agent directory: {@code .memdir/lock}, held with {@link
 * FileChannel#tryLock()} for one write operation or one agent turn, never for a process lifetime.
 * While held, the file holds the holder's process id and a newline:
 *
 * <pre>
 * 48213
 * </pre>
 *
 * <p>Threads of one JVM are serialised by a lock per canonical lock-file path before the file lock
 * is tried, so {@link OverlappingFileLockException} never surfaces. The lock is reentrant for the
 * thread that holds it: a write inside a turn does not wait for its own turn. Readers never take
 * it.
 */
public final class WriteLock {
  /** How long a writer waits by default. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private static final long POLL_MILLIS = 10;
  private static final long MAX_PID_BYTES = 64;
  private static final Map<Path, Shared> SHARED = new ConcurrentHashMap<>();

  private final Layout layout;
  private final Duration wait;

  private WriteLock(Layout layout, Duration wait) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.wait = Objects.requireNonNull(wait, "wait");
    if (wait.isNegative()) {
      throw new IllegalArgumentException("wait must not be negative, got " + wait);
    }
  }

  /** The write lock of the agent at {@code layout}; {@link #acquire} waits up to {@code wait}. */
  public static WriteLock of(Layout layout, Duration wait) {
    return new WriteLock(layout, wait);
  }

  /** How long {@link #acquire} waits. */
  public Duration waitTime() {
    return wait;
  }

  /** The lock file. */
  public Path file() {
    return layout.derivedDir().resolve("lock");
  }

  /**
   * Takes the lock, waiting up to {@link #waitTime()}.
   *
   * @throws AgentBusyException naming the holder's process when the wait runs out
   * @throws MemdirException when the lock file cannot be created (a read-only agent directory)
   */
  public Hold acquire() {
    return take(wait, true).orElseThrow();
  }

  /** Takes the lock if it is free now, without waiting. */
  public Optional<Hold> tryAcquire() {
    return take(Duration.ZERO, false);
  }

  /** Whether the calling thread holds this lock. */
  public boolean heldByCurrentThread() {
    Shared s = SHARED.get(key());
    return s != null && s.lock.isHeldByCurrentThread();
  }

  private Optional<Hold> take(Duration timeout, boolean fail) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Shared s = SHARED.computeIfAbsent(key(), k -> new Shared());
    try {
      if (!s.lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        if (fail) {
          long self = ProcessHandle.current().pid();
          throw new AgentBusyException(
              "agent is in use by process "
                  + self
                  + ", another thread of this one"
                  + waited(timeout),
              self);
        }
        return Optional.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MemdirException("interrupted while waiting for " + layout.display(file()), e);
    }
    if (s.lock.getHoldCount() > 1) {
      return Optional.of(new Hold(s));
    }
    boolean locked = false;
    try {
      locked = lockFile(s, deadline);
      if (!locked && fail) {
        long pid = holderPid();
        throw new AgentBusyException(
            "agent is in use by "
                + (pid < 0 ? "another process" : "process " + pid)
                + waited(timeout),
            pid);
      }
      return locked ? Optional.of(new Hold(s)) : Optional.empty();
    } finally {
      if (!locked) {
        s.lock.unlock();
      }
    }
  }

  private boolean lockFile(Shared s, long deadline) {
    FileChannel ch = null;
    try {
      ch =
          FileChannel.open(
              file(), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      while (true) {
        FileLock fl = tryLock(ch);
        if (fl != null) {
          ch.truncate(0);
          ch.write(
              ByteBuffer.wrap(
                  (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
              0);
          s.channel = ch;
          s.fileLock = fl;
          ch = null;
          return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MemdirException("interrupted while waiting for " + layout.display(file()), e);
    } catch (IOException e) {
      throw new MemdirException(
          "cannot lock the agent for writing: " + layout.display(file()) + ": " + e, e);
    } finally {
      closeQuietly(ch);
    }
  }

  private static FileLock tryLock(FileChannel ch) throws IOException {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException e) {
      // Another channel of this JVM holds it (a second lock object on the same file); wait as for
      // another process.
      return null;
    }
  }

  private Path key() {
    Path dir = layout.derivedDir();
    try {
      Files.createDirectories(dir);
      return dir.toRealPath().resolve("lock");
    } catch (FileAlreadyExistsException e) {
      throw new MemdirException(
          "cannot lock the agent for writing: "
              + layout.display(dir)
              + " is a file, expected a folder",
          e);
    } catch (IOException e) {
      throw new MemdirException(
          "cannot lock the agent for writing: cannot create " + layout.display(dir) + ": " + e, e);
    }
  }

  private String waited(Duration timeout) {
    return " (waited " + seconds(timeout) + " for " + layout.display(file()) + ")";
  }

  private long holderPid() {
    try {
      String text;
      try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.READ)) {
        Optional<byte[]> b = TextFiles.readUpTo(ch, MAX_PID_BYTES);
        if (b.isEmpty()) {
          return -1; // not a process id
        }
        text = new String(b.get(), StandardCharsets.US_ASCII).strip();
      }
      return text.matches("\\d{1,19}") ? Long.parseLong(text) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : String.format("%.3f s", ms / 1000.0);
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // Closing releases any lock; nothing else to do.
      }
    }
  }

  /** The state shared by every {@link WriteLock} of one lock file in this JVM. */
  private static final class Shared {
    final ReentrantLock lock = new ReentrantLock();
    FileChannel channel;
    FileLock fileLock;
  }

  /** A held lock; {@link #close()} releases it once, from the thread that took it. */
  public static final class Hold implements AutoCloseable {
    private final Shared shared;
    private boolean closed;

    private Hold(Shared shared) {
      this.shared = shared;
    }

    /** Releases the lock; the file lock goes when the outermost hold of the thread closes. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (shared.lock.getHoldCount() == 1 && shared.channel != null) {
          FileChannel ch = shared.channel;
          shared.channel = null;
          shared.fileLock = null;
          try {
            ch.truncate(0);
          } catch (IOException ignored) {
            // A stale pid in the file only makes a busy message less exact.
          }
          closeQuietly(ch); // closing the channel releases the file lock
        }
      } finally {
        shared.lock.unlock();
      }
    }
  }
}
