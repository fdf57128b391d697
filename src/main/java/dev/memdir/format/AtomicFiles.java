package dev.memdir.format;

import dev.memdir.MemdirException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Atomic file replacement: write a temporary file in the same folder, fsync it, move it over the
 * target, fsync the folder. A reader sees the old file or the new one, never half of either.
 *
 * <p>{@link #compareAndSwap} replaces a file only if it still holds the bytes the caller read, so
 * that a person's save is never overwritten; see there for how.
 */
public final class AtomicFiles {
  /** How long a write that may have raced a person's truncate-then-write waits to see it. */
  static final long SETTLE_MILLIS = 20;

  private static final String ASIDE = ".aside";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Writes the text as UTF-8 (no BOM) to {@code file}, atomically. */
  public static void write(Path file, String text) {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes the bytes to {@code file}, atomically, creating missing parent folders. */
  public static void write(Path file, byte[] bytes) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      fsyncDirectory(dir);
    } catch (FileSystemException e) {
      throw new MemdirException("cannot write " + file + ": " + reason(e), e);
    } catch (IOException e) {
      throw new MemdirException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The write already failed and says so; a stray temp file is harmless.
        }
      }
    }
  }

  /**
   * Replaces the content of {@code file} with {@code replacement} only if it still holds exactly
   * {@code expected}; otherwise writes nothing and leaves the file as it was found.
   *
   * <p>POSIX has no compare-and-rename, so the file is first renamed aside (to {@code
   * .<name>.<random>.aside}), compared there, and the new file is then linked in only if no file
   * has reappeared at the name. For those microseconds the name is absent: {@link #settled} lets
   * readers wait it out, and {@link #recoverAsides} puts the file back after a crash. A person who
   * saves by writing a new file and renaming it makes the final link fail; one who truncates and
   * writes in place wrote to the file that is put back when it no longer matches.
   *
   * @return whether the file was replaced
   */
  public static boolean compareAndSwap(Path file, byte[] expected, byte[] replacement) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    Path aside = null;
    try {
      tmp = writeTemp(dir, file, replacement);
      aside = asideName(file);
      try {
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        aside = null;
        return false;
      }
      try (FileChannel held = FileChannel.open(aside, StandardOpenOption.READ)) {
        if (!Arrays.equals(readAll(held), expected)) {
          putBack(aside, file);
          aside = null;
          return false;
        }
        if (!linkIfAbsent(tmp, file)) {
          return false; // a person saved a new file meanwhile; the aside copy is the stale one
        }
        if (mayBeMidWrite(expected)) {
          sleep(SETTLE_MILLIS);
        }
        if (!Arrays.equals(readAll(held), expected)) {
          // A person's in-place write landed on the old file after the comparison: theirs wins.
          undo(file, replacement, aside);
          aside = null;
          return false;
        }
      }
      fsyncDirectory(dir);
      return true;
    } catch (FileSystemException e) {
      throw new MemdirException("cannot write " + file + ": " + reason(e), e);
    } catch (IOException e) {
      throw new MemdirException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
      deleteQuietly(aside);
    }
  }

  /**
   * The path to read {@code file} from: the file itself, or, while {@link #compareAndSwap} has it
   * aside, the file once it is back (waiting up to a few milliseconds), or the aside copy left by a
   * crash. Empty when there is no such file.
   */
  public static Optional<Path> settled(Path file) {
    for (int i = 0; i < 100; i++) {
      if (Files.exists(file)) {
        return Optional.of(file);
      }
      if (asides(file).isEmpty()) {
        return Optional.empty();
      }
      sleep(1);
    }
    return Files.exists(file) ? Optional.of(file) : newest(asides(file));
  }

  /**
   * After a crash inside {@link #compareAndSwap}: puts the newest aside copy back when {@code file}
   * is missing and deletes the others. Call it holding the write lock.
   */
  public static void recoverAsides(Path file) {
    List<Path> asides = asides(file);
    if (asides.isEmpty()) {
      return;
    }
    if (!Files.exists(file)) {
      Optional<Path> newest = newest(asides);
      if (newest.isPresent()) {
        try {
          Files.createLink(file, newest.get());
        } catch (IOException | UnsupportedOperationException e) {
          throw new MemdirException(
              "cannot restore " + file + " from " + newest.get() + ": " + e, e);
        }
      }
    }
    asides.forEach(AtomicFiles::deleteQuietly);
  }

  /** The files that aside copies directly in {@code dir} stand for (whether they exist or not). */
  public static List<Path> asideTargets(Path dir) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*" + ASIDE)) {
      for (Path p : ds) {
        asideOf(p.getFileName().toString())
            .map(dir::resolve)
            .filter(t -> !out.contains(t))
            .ifPresent(out::add);
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** Whether a file name is an aside copy ({@code .<name>.<random>.aside}). */
  public static boolean isAside(String fileName) {
    return fileName.startsWith(".") && fileName.endsWith(ASIDE);
  }

  /** The file name an aside copy stands for ({@code .human.md.k3j.aside} is {@code human.md}). */
  public static Optional<String> asideOf(String fileName) {
    if (!isAside(fileName)) {
      return Optional.empty();
    }
    String core = fileName.substring(1, fileName.length() - ASIDE.length());
    int dot = core.lastIndexOf('.');
    return dot <= 0 ? Optional.empty() : Optional.of(core.substring(0, dot));
  }

  private static Path writeTemp(Path dir, Path file, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw e;
    }
    return tmp;
  }

  private static Path asideName(Path file) {
    String rnd = Long.toUnsignedString(RANDOM.nextLong(), 36);
    return file.resolveSibling("." + file.getFileName() + "." + rnd + ASIDE);
  }

  private static List<Path> asides(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    String name = file.getFileName().toString();
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (asideOf(p.getFileName().toString()).filter(name::equals).isPresent()) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return out;
  }

  private static Optional<Path> newest(List<Path> paths) {
    return paths.stream().max(Comparator.comparing(AtomicFiles::modified));
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** Puts a moved-aside file back under its name unless a newer file took the name meanwhile. */
  private static void putBack(Path aside, Path file) throws IOException {
    if (!linkIfAbsent(aside, file)) {
      return; // a person saved a newer file at the name: it supersedes the one set aside
    }
    deleteQuietly(aside);
  }

  /** Replaces our just-written file by the person's, which was written after the comparison. */
  private static void undo(Path file, byte[] ours, Path theirs) throws IOException {
    Path mine = asideName(file);
    Files.move(file, mine, StandardCopyOption.ATOMIC_MOVE);
    if (Arrays.equals(Files.readAllBytes(mine), ours)) {
      putBack(theirs, file);
      deleteQuietly(mine);
    } else {
      putBack(mine, file); // someone replaced ours already; keep theirs
    }
  }

  private static boolean linkIfAbsent(Path existing, Path link) throws IOException {
    try {
      Files.createLink(link, existing);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | FileSystemException e) {
      // No hard links on this file system: a check-then-rename has a tiny window, but works.
      if (Files.exists(link)) {
        return false;
      }
      try {
        Files.move(existing, link);
        return true;
      } catch (FileAlreadyExistsException e2) {
        return false;
      }
    }
  }

  /**
   * Whether bytes just read may be a file caught between a person's truncating open and their
   * writes: empty, or a multiple of a write chunk. Such a read is worth repeating after {@link
   * #settle()}.
   */
  public static boolean mayBeMidWrite(byte[] expected) {
    // Between a truncating open and its writes a file is empty, or a multiple of a write chunk.
    return expected.length % 4096 == 0;
  }

  private static byte[] readAll(FileChannel ch) throws IOException {
    long size = ch.size();
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException("file too large to compare: " + size + " bytes");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    long pos = 0;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        break;
      }
      pos += n;
    }
    return Arrays.copyOf(buf.array(), buf.position());
  }

  /** Waits long enough for a person's truncate-then-write to finish. */
  public static void settle() {
    sleep(SETTLE_MILLIS);
  }

  /**
   * Creates {@code file} with {@code bytes} only if no file has that name; never replaces one.
   *
   * @return whether the file was created
   */
  public static boolean createNew(Path file, byte[] bytes) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = writeTemp(dir, file, bytes);
      boolean created = linkIfAbsent(tmp, file);
      if (created) {
        fsyncDirectory(dir);
      }
      return created;
    } catch (FileSystemException e) {
      throw new MemdirException("cannot write " + file + ": " + reason(e), e);
    } catch (IOException e) {
      throw new MemdirException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // A stray hidden file is harmless; the next recovery removes it.
    }
  }

  /**
   * Flushes a folder's entries to disk so a rename survives a power cut; a no-op where unsupported.
   */
  public static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a folder for reading; the rename is still atomic there.
    }
  }

  private static String reason(FileSystemException e) {
    String r = e.getReason();
    return r != null ? r : e.getClass().getSimpleName();
  }
}
