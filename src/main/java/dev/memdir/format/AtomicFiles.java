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
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Atomic file replacement: write a temporary file in the scratch folder ({@code
 * <agent>/.memdir/tmp/}, else the file's own folder; see {@link Asides}), fsync it, move it over
 * the target, fsync the folder. A reader sees the old file or the new one, never half of either. A
 * replaced file keeps its permissions (and owner and group where allowed); a new file gets the
 * permissions the umask gives.
 *
 * <p>{@link #compareAndSwap} replaces a file only if it still holds the bytes the caller read, so
 * that a person's save is never overwritten; see there for how.
 */
public final class AtomicFiles {
  /** How long a write that may have raced a person's truncate-then-write waits to see it. */
  static final long SETTLE_MILLIS = 20;

  private static final String ASIDE = ".aside";

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
      tmp = writeTemp(Asides.scratchFor(file), file, bytes);
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
      deleteQuietly(tmp);
    }
  }

  /** {@link #compareAndSwap(Path, byte[], byte[], String)} with no note. */
  public static boolean compareAndSwap(Path file, byte[] expected, byte[] replacement) {
    return compareAndSwap(file, expected, replacement, "");
  }

  /**
   * Replaces the content of {@code file} with {@code replacement} only if it still holds exactly
   * {@code expected}; otherwise writes nothing and leaves the file as it was found.
   *
   * <p>POSIX has no compare-and-rename, so the file is first renamed into the scratch folder,
   * compared there, and the new file is then linked in only if no file has reappeared at the name.
   * For those microseconds the name is absent: {@link #settled} lets readers wait it out, and
   * {@link #recoverAsides} puts the file back after a crash. A person who saves by writing a new
   * file and renaming it makes the final link fail. The old file is not deleted: it stays as a
   * pending aside ({@link Asides}) with {@code note}, because a person's editor may still hold it
   * open and write to it; whoever calls this must verify pending asides later and delete them only
   * when unchanged and no longer open.
   *
   * @param note how to redo the caller's change on other text, kept in the aside's record
   * @return whether the file was replaced
   */
  public static boolean compareAndSwap(
      Path file, byte[] expected, byte[] replacement, String note) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Path scratch = Asides.scratchFor(file);
      long mtime;
      try {
        mtime = Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS);
      } catch (NoSuchFileException e) {
        return false;
      }
      tmp = writeTemp(scratch, file, replacement);
      Asides.Pending p = Asides.begin(scratch, file, expected, mtime, replacement, note);
      try {
        Files.move(file, p.swap(), StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        Asides.remove(p);
        return false;
      }
      boolean same;
      try (FileChannel held = FileChannel.open(p.swap(), StandardOpenOption.READ)) {
        same = held.size() == expected.length && Arrays.equals(readAll(held), expected);
      }
      if (!same) {
        if (linkIfAbsent(p.swap(), file)) {
          Asides.remove(p); // back under its name; writes to it land there
        } else {
          // A file appeared at the name: a newer save, or a fragment (see joinFragment).
          Asides.Pending older = Asides.rebase(p, Asides.readUpTo(p.swap(), Asides.MAX_KEPT_BYTES));
          older = older.with(older.baseSha(), older.baseSize(), older.baseMtime(), "", WINDOW);
          Asides.save(older);
          Asides.finish(older);
          joinFragment(file, older);
        }
        return false;
      }
      if (!linkIfAbsent(tmp, file)) {
        // A file appeared at the name meanwhile; the old one, which held what was read, waits.
        Asides.Pending w = p.with(p.baseSha(), p.baseSize(), p.baseMtime(), "", WINDOW);
        Asides.save(w);
        Asides.finish(w);
        joinFragment(file, w);
        return false;
      }
      Asides.finish(p);
      fsyncDirectory(dir);
      return true;
    } catch (FileSystemException e) {
      throw new MemdirException("cannot write " + file + ": " + reason(e), e);
    } catch (IOException e) {
      throw new MemdirException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** The note of an old file whose name a new file took while it was aside. */
  public static final String WINDOW = "window";

  /**
   * A writer that appends with O_CREAT ({@code echo x >> file}) in the microseconds the name is
   * absent creates a new file holding only its text. An editor's save holds the whole text, so it
   * starts as the old file did; a file that does not is such a fragment, and the old text is put
   * back in front of it. Call it (holding the write lock) until the note is cleared: the file that
   * appeared may still be empty.
   */
  public static void joinFragment(Path file, Asides.Pending p) throws IOException {
    if (!WINDOW.equals(p.note()) || !Files.exists(p.aside())) {
      return;
    }
    byte[] old = Asides.readUpTo(p.aside(), Asides.MAX_KEPT_BYTES);
    byte[] now;
    try {
      now = Asides.readUpTo(file, Asides.MAX_KEPT_BYTES);
    } catch (NoSuchFileException e) {
      return;
    }
    if (now.length == 0) {
      return; // an editor's save just begun, or an append not yet written: look again later
    }
    if (!startsAsWhole(old, now)) {
      byte[] joined = Arrays.copyOf(old, old.length + now.length);
      System.arraycopy(now, 0, joined, old.length, now.length);
      if (!compareAndSwap(file, now, joined, "")) {
        return;
      }
    }
    Asides.Pending known = Asides.rebase(p, old);
    Asides.save(known.with(known.baseSha(), known.baseSize(), known.baseMtime(), "", ""));
  }

  /**
   * Whether {@code now}, written to a file that was new or empty, is a whole text rather than an
   * appended fragment: an editor's save holds the whole text, so it starts with the same first line
   * as {@code old}, the text the file held before; an append ({@code echo x >> file}) does not.
   * Without a first line to compare (no line break in {@code old}) it counts as whole.
   */
  public static boolean startsAsWhole(byte[] old, byte[] now) {
    int eol = 0;
    while (eol < old.length && old[eol] != '\n') {
      eol++;
    }
    return eol == 0
        || eol == old.length
        || (now.length > eol && Arrays.equals(now, 0, eol + 1, old, 0, eol + 1));
  }

  /**
   * The path to read {@code file} from: the file itself, or, while {@link #compareAndSwap} has it
   * aside, the file once it is back (waiting up to 100 ms), or the old file left by a crash. Empty
   * when there is no such file.
   */
  public static Optional<Path> settled(Path file) {
    for (int i = 0; i < 100; i++) {
      if (Files.exists(file)) {
        return Optional.of(file);
      }
      if (swapsOf(file).isEmpty() && legacyAsides(file).isEmpty()) {
        return Optional.empty();
      }
      sleep(1);
    }
    if (Files.exists(file)) {
      return Optional.of(file);
    }
    Optional<Path> swap = newest(swapsOf(file));
    return swap.isPresent() ? swap : newest(legacyAsides(file));
  }

  /**
   * The old files of swaps of {@code file} that have not finished: a swap running now, or one a
   * crash interrupted.
   */
  public static List<Path> swapsOf(Path file) {
    Path scratch = Asides.scratchToRead(file);
    String target = Asides.targetName(scratch, file);
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(
            scratch, "." + globQuote(file.getFileName().toString()) + ".*.swap")) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        Path record = p.resolveSibling(n.substring(0, n.length() - 5) + ".json");
        if (Asides.list(scratch).stream()
            .anyMatch(r -> r.record().equals(record) && r.target().equals(target))) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  private static String globQuote(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if ("\\*?[]{}".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /**
   * After a crash inside {@link #compareAndSwap}: puts the old file back when {@code file} is
   * missing, and finishes a swap that linked its new file in. Call it holding the write lock, so
   * that no swap is running.
   */
  public static void recoverAsides(Path file) {
    List<Path> legacy = legacyAsides(file);
    if (!legacy.isEmpty()) {
      if (!Files.exists(file)) {
        Optional<Path> newest = newest(legacy);
        if (newest.isPresent()) {
          restore(file, newest.get());
        }
      }
      legacy.forEach(AtomicFiles::deleteQuietly);
    }
    for (Asides.Pending p : Asides.of(file)) {
      if (!Files.exists(p.swap())) {
        continue;
      }
      try {
        if (!Files.exists(file) && p.restore()) {
          restore(file, p.swap());
          Asides.remove(p); // back under its name
        } else if (Files.exists(file) && holds(file, p.wroteSha())) {
          Asides.finish(p); // the new file was in; only the rename to .aside was missing
        } else {
          Asides.save(p.with(p.baseSha(), p.baseSize(), p.baseMtime(), "", ""));
          Asides.finish(p);
        }
      } catch (IOException e) {
        throw new MemdirException("cannot recover " + file + " from " + p.swap() + ": " + e, e);
      }
    }
  }

  private static boolean holds(Path file, String sha) throws IOException {
    try {
      return TextFiles.sha256(Asides.readUpTo(file, Asides.MAX_KEPT_BYTES)).equals(sha);
    } catch (Asides.TooLargeException e) {
      return false; // larger than anything written here
    }
  }

  private static void restore(Path file, Path from) {
    try {
      Files.createLink(file, from);
    } catch (FileAlreadyExistsException e) {
      // A person's file is there now: theirs stays.
    } catch (IOException | UnsupportedOperationException e) {
      throw new MemdirException("cannot restore " + file + " from " + from + ": " + e, e);
    }
  }

  /**
   * The files directly in {@code dir} that a swap interrupted by a crash (or running now) has moved
   * to the scratch folder, and those of old-style asides in {@code dir} itself.
   */
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
    Path scratch = Asides.scratchToRead(dir.resolve("x"));
    for (Asides.Pending p : Asides.list(scratch)) {
      Path t = Asides.targetPath(scratch, p);
      if (Files.exists(p.swap())
          && dir.toAbsolutePath().normalize().equals(t.getParent())
          && !out.contains(t)) {
        out.add(t);
      }
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

  private static Path writeTemp(Path scratch, Path file, byte[] bytes) throws IOException {
    Path tmp = Asides.tempName(scratch, file);
    // Default permissions: the umask decides, as for any new file; a replaced file's are copied.
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      copyAttributes(file, tmp);
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

  /** Gives {@code to} the permissions, owner and group of {@code from} where allowed. */
  private static void copyAttributes(Path from, Path to) {
    PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    try {
      PosixFileAttributes old;
      try {
        old = Files.readAttributes(from, PosixFileAttributes.class);
      } catch (NoSuchFileException e) {
        inheritGroup(from.toAbsolutePath().getParent(), view);
        return;
      }
      view.setPermissions(old.permissions());
      PosixFileAttributes now = view.readAttributes();
      if (!now.group().equals(old.group())) {
        trySet(() -> view.setGroup(old.group()));
      }
      if (!now.owner().equals(old.owner())) {
        trySet(() -> view.setOwner(old.owner()));
      }
    } catch (IOException | UnsupportedOperationException e) {
      // The write goes on with the umask's permissions.
    }
  }

  /** A new file in a set-group-ID folder gets the folder's group, as if created there. */
  private static void inheritGroup(Path dir, PosixFileAttributeView view) throws IOException {
    try {
      int mode = (Integer) Files.getAttribute(dir, "unix:mode");
      if ((mode & 02000) != 0) {
        GroupPrincipal g = Files.readAttributes(dir, PosixFileAttributes.class).group();
        trySet(() -> view.setGroup(g));
      }
    } catch (UnsupportedOperationException | IllegalArgumentException | NoSuchFileException e) {
      // No unix view: nothing to inherit.
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void trySet(IoAction a) {
    try {
      a.run();
    } catch (IOException e) {
      // Not permitted (only root may give a file away): the file keeps the writer's.
    }
  }

  /** Aside copies beside the file, as memdir wrote them before the scratch folder. */
  private static List<Path> legacyAsides(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    String name = file.getFileName().toString();
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*" + ASIDE)) {
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

  static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
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
      tmp = writeTemp(Asides.scratchFor(file), file, bytes);
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

  static void deleteQuietly(Path p) {
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
