package dev.memdir.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.MemdirException;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The files {@link AtomicFiles} keeps beside its writes: temporary files, and the old file of each
 * compare-and-swap, kept ("pending") until it is known that nobody writes to it any more.
 *
 * <p>They live in the scratch folder: {@code <agent>/.memdir/tmp/} for a file of an agent directory
 * (the same file system, so renames stay atomic; {@code .memdir/} is git-ignored), else the file's
 * own folder, hidden. A swap first writes a record {@code .<name>.<pid>.<random>.json} (the target,
 * the SHA-256, size and mtime of the bytes it expects, the SHA-256 of what it writes, and the
 * caller's note), renames the file to {@code .<name>.<pid>.<random>.swap}, and once the new file is
 * linked in renames that to {@code .aside}. A {@code .swap} with its file missing is a crash
 * mid-swap; an {@code .aside} whose content no longer matches its record received a write from
 * someone holding the old file open.
 */
public final class Asides {
  /** A temporary file of a live process older than this is debris of a reused process id. */
  static final long STALE_TEMP_MILLIS = 3_600_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong LAST_SEQ = new AtomicLong();
  private static final Map<Path, Boolean> SAME_STORE = new ConcurrentHashMap<>();
  static final String SWAP = ".swap";
  static final String ASIDE = ".aside";
  static final String RECORD = ".json";
  static final String TMP = ".tmp";

  /**
   * The largest old file read: far over any block ({@link Layout#MAX_MARKDOWN_BYTES}); a larger one
   * is kept unread for a person to look at.
   */
  public static final long MAX_KEPT_BYTES = 64L << 20;

  static final long MAX_RECORD_BYTES = 64 << 10;

  private Asides() {}

  /**
   * One swap's old file and what is known of it.
   *
   * @param record the record file
   * @param target the file swapped, relative to the scratch folder's agent root (or its name)
   * @param seq orders swaps of one agent
   * @param baseSha the SHA-256 of the content the old file is known to hold
   * @param baseSize its size
   * @param baseMtime its modification time in nanoseconds when recorded (a quick check only)
   * @param wroteSha the SHA-256 of what the swap wrote, or "" when it did not write
   * @param note the caller's note (how to redo its edit), or ""
   * @param restore whether the old file is put back when the target is missing
   * @param conflict set when a late write to it could not be merged; kept until a person acts
   */
  public record Pending(
      Path record,
      String target,
      long seq,
      String baseSha,
      long baseSize,
      long baseMtime,
      String wroteSha,
      String note,
      boolean restore,
      boolean conflict) {
    /** The old file while the swap runs (or after a crash in it). */
    public Path swap() {
      return sibling(SWAP);
    }

    /** The old file once the swap is done. */
    public Path aside() {
      return sibling(ASIDE);
    }

    /** The old file's current path: the aside, else the swap file, if either exists. */
    public Optional<Path> oldFile() {
      if (Files.exists(aside())) {
        return Optional.of(aside());
      }
      return Files.exists(swap()) ? Optional.of(swap()) : Optional.empty();
    }

    private Path sibling(String ext) {
      String n = record.getFileName().toString();
      return record.resolveSibling(n.substring(0, n.length() - RECORD.length()) + ext);
    }

    Pending with(String sha, long size, long mtime, String wrote, String newNote) {
      return new Pending(record, target, seq, sha, size, mtime, wrote, newNote, restore, conflict);
    }
  }

  /** The scratch folder for writes of {@code file}, created if missing. */
  public static Path scratchFor(Path file) {
    return scratchFor(file, true);
  }

  /** The scratch folder a reader looks in for {@code file}; never creates it. */
  static Path scratchToRead(Path file) {
    return scratchFor(file, false);
  }

  private static Path scratchFor(Path file, boolean create) {
    Path dir = file.toAbsolutePath().getParent();
    Optional<Path> root = agentRoot(dir);
    if (root.isEmpty()) {
      return dir;
    }
    Path scratch = root.get().resolve(".memdir").resolve("tmp");
    Boolean same = SAME_STORE.get(dir);
    if (same != null && !same) {
      return dir;
    }
    if (!create && !Files.isDirectory(scratch)) {
      return scratch; // nothing was ever set aside there
    }
    try {
      Files.createDirectories(scratch);
      if (same == null) {
        same = Files.getFileStore(scratch).equals(Files.getFileStore(dir));
        SAME_STORE.put(dir, same);
      }
      return same ? scratch : dir;
    } catch (IOException e) {
      return dir; // a read-only .memdir or a file in its place: write beside the file
    }
  }

  /** The agent directory {@code dir} is or is directly in (a folder with an agent.yaml). */
  private static Optional<Path> agentRoot(Path dir) {
    for (Path d = dir; d != null && d.getNameCount() >= dir.getNameCount() - 1; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("agent.yaml"))) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** How a scratch folder names {@code file} in its records. */
  static String targetName(Path scratch, Path file) {
    Path abs = file.toAbsolutePath().normalize();
    if (!isAgentScratch(scratch)) {
      return abs.getFileName().toString();
    }
    return scratch
        .getParent()
        .getParent()
        .relativize(abs)
        .toString()
        .replace(File.separatorChar, '/');
  }

  /** The file a record in {@code scratch} names. */
  public static Path targetPath(Path scratch, Pending p) {
    if (!isAgentScratch(scratch)) {
      return scratch.resolve(Path.of(p.target()).getFileName());
    }
    Path root = scratch.getParent().getParent();
    Path t = root.resolve(p.target()).normalize();
    return t.startsWith(root) ? t : root.resolve("invalid-target");
  }

  private static boolean isAgentScratch(Path scratch) {
    Path derived = scratch.getParent();
    return scratch.getFileName().toString().equals("tmp")
        && derived != null
        && derived.getFileName().toString().equals(".memdir")
        && derived.getParent() != null
        && Files.isRegularFile(derived.getParent().resolve("agent.yaml"));
  }

  /** A new temporary file name in {@code scratch} for {@code file}, naming this process. */
  static Path tempName(Path scratch, Path file) {
    return scratch.resolve(
        "." + file.getFileName() + "." + ProcessHandle.current().pid() + "." + rnd() + TMP);
  }

  private static String rnd() {
    return Long.toUnsignedString(RANDOM.nextLong(), 36);
  }

  /** Writes the record of a swap about to start; the old file will be at its {@code swap()}. */
  static Pending begin(
      Path scratch, Path file, byte[] expected, long mtime, byte[] replacement, String note)
      throws IOException {
    long now = System.currentTimeMillis() * 1000;
    long seq = LAST_SEQ.updateAndGet(last -> Math.max(last + 1, now));
    String name = "." + file.getFileName() + "." + ProcessHandle.current().pid() + "." + rnd();
    Pending p =
        new Pending(
            scratch.resolve(name + RECORD),
            targetName(scratch, file),
            seq,
            TextFiles.sha256(expected),
            expected.length,
            mtime,
            TextFiles.sha256(replacement),
            note,
            true,
            false);
    save(p);
    return p;
  }

  /** Rewrites a record. */
  public static void save(Pending p) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("target", p.target());
    o.put("seq", p.seq());
    o.put("base_sha256", p.baseSha());
    o.put("base_size", p.baseSize());
    o.put("base_mtime_ns", p.baseMtime());
    o.put("wrote_sha256", p.wroteSha());
    o.put("note", p.note());
    o.put("restore", p.restore());
    o.put("conflict", p.conflict());
    Path tmp = p.record().resolveSibling(p.record().getFileName() + "." + rnd() + ".part");
    Files.write(tmp, JSON.writeValueAsBytes(o));
    Files.move(tmp, p.record(), StandardCopyOption.ATOMIC_MOVE);
  }

  /** The swap's new file is in: the old one is now an aside. */
  static void finish(Pending p) throws IOException {
    Files.move(p.swap(), p.aside(), StandardCopyOption.ATOMIC_MOVE);
  }

  /** All records in a scratch folder, oldest swap first; unreadable records are skipped. */
  public static List<Pending> list(Path scratch) {
    List<Pending> out = new ArrayList<>();
    if (!Files.isDirectory(scratch)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(scratch, "*" + RECORD)) {
      for (Path r : ds) {
        read(r).ifPresent(out::add);
      }
    } catch (IOException e) {
      return out;
    }
    out.sort(Comparator.comparingLong(Pending::seq));
    return out;
  }

  /** The records of {@code file}, oldest first. */
  public static List<Pending> of(Path file) {
    Path scratch = scratchToRead(file);
    String name = targetName(scratch, file);
    return list(scratch).stream().filter(p -> p.target().equals(name)).toList();
  }

  private static Optional<Pending> read(Path r) {
    try {
      JsonNode o = JSON.readTree(readUpTo(r, MAX_RECORD_BYTES));
      return Optional.of(
          new Pending(
              r,
              o.path("target").asText(),
              o.path("seq").asLong(),
              o.path("base_sha256").asText(),
              o.path("base_size").asLong(),
              o.path("base_mtime_ns").asLong(),
              o.path("wrote_sha256").asText(""),
              o.path("note").asText(""),
              o.path("restore").asBoolean(true),
              o.path("conflict").asBoolean(false)));
    } catch (IOException e) {
      return Optional.empty(); // a record half written by a crash: its swap never started
    }
  }

  /**
   * Whether the old file may hold other bytes than its record says: a quick check of size and
   * mtime. The mtime is coarse, so a reaper compares the content anyway.
   */
  public static boolean looksChanged(Pending p) {
    Optional<Path> old = p.oldFile();
    if (old.isEmpty()) {
      return false;
    }
    try {
      BasicFileAttributes a = Files.readAttributes(old.get(), BasicFileAttributes.class);
      return a.size() != p.baseSize()
          || a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) != p.baseMtime();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The old file's bytes.
   *
   * @throws TooLargeException when it holds more than {@link #MAX_KEPT_BYTES}; it is not read
   */
  public static byte[] content(Pending p) throws TooLargeException {
    Path old = p.oldFile().orElseThrow(() -> new MemdirException("gone: " + p.aside()));
    try {
      return readUpTo(old, MAX_KEPT_BYTES);
    } catch (TooLargeException e) {
      throw e;
    } catch (IOException e) {
      throw new MemdirException("cannot read " + old + ": " + e.getMessage(), e);
    }
  }

  /**
   * The bytes of {@code file}, refused unread when it holds more than {@code maxBytes}.
   *
   * @throws TooLargeException when it does
   */
  public static byte[] readUpTo(Path file, long maxBytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Optional<byte[]> b = TextFiles.readUpTo(ch, maxBytes);
      if (b.isEmpty()) {
        throw new TooLargeException(
            file + ": file is " + ch.size() + " bytes, over the limit of " + maxBytes + " bytes");
      }
      return b.get();
    }
  }

  /** A file over the limit of what is read of it. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }

  /** The record with {@code content} as the old file's known content. */
  public static Pending rebase(Pending p, byte[] content) {
    long mtime = 0;
    try {
      mtime =
          Files.getLastModifiedTime(p.oldFile().orElse(p.aside()))
              .to(java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (IOException e) {
      // Gone meanwhile: the quick check will just say changed.
    }
    return p.with(TextFiles.sha256(content), content.length, mtime, p.wroteSha(), p.note());
  }

  /** Removes the old file's name and the record. */
  public static void remove(Pending p) {
    AtomicFiles.deleteQuietly(p.aside());
    AtomicFiles.deleteQuietly(p.swap());
    AtomicFiles.deleteQuietly(p.record());
  }

  /** Marks a record as a late write that could not be merged: never deleted on its own. */
  public static Pending markConflict(Pending p) throws IOException {
    Pending c =
        new Pending(
            p.record(),
            p.target(),
            p.seq(),
            p.baseSha(),
            p.baseSize(),
            p.baseMtime(),
            p.wroteSha(),
            p.note(),
            false,
            true);
    save(c);
    return c;
  }

  /**
   * Which of {@code paths} some process holds open, from /proc/[pid]/fd; empty when /proc cannot
   * tell (another OS, or no /proc). A descriptor is matched by the file it refers to (device and
   * inode), not by the name its link shows: a descriptor opened through a name that was unlinked
   * since (a refused swap puts its file back under a new link) still writes to the file, which may
   * be set aside under another name later. A process whose descriptors cannot be read (of another
   * user) counts as holding every path that is not writable only by its owner.
   */
  public static Optional<Set<Path>> heldOpen(Collection<Path> paths) {
    File proc = new File("/proc/self/fd");
    if (!proc.isDirectory()) {
      return Optional.empty();
    }
    Map<Object, Path> wanted = new HashMap<>();
    for (Path p : paths) {
      Path abs = p.toAbsolutePath().normalize();
      try {
        Object key = Files.readAttributes(abs, BasicFileAttributes.class).fileKey();
        if (key == null) {
          return Optional.empty(); // no file identity here: /proc cannot be matched safely
        }
        wanted.put(key, abs);
      } catch (IOException e) {
        // Gone: nobody can open it by name any more, and it holds nothing to merge.
      }
    }
    Set<Path> held = new HashSet<>();
    boolean blind = false;
    String[] pids = new File("/proc").list();
    if (pids == null) {
      return Optional.empty();
    }
    for (String pid : pids) {
      if (pid.isEmpty() || !Character.isDigit(pid.charAt(0))) {
        continue;
      }
      String[] fds = new File("/proc/" + pid + "/fd").list();
      if (fds == null) {
        blind |= Files.exists(Path.of("/proc", pid));
        continue;
      }
      for (String fd : fds) {
        Path link = Path.of("/proc", pid, "fd", fd);
        try {
          if (!Files.readSymbolicLink(link).toString().startsWith("/")) {
            continue; // a socket, pipe or anonymous inode
          }
          Path p = wanted.get(Files.readAttributes(link, BasicFileAttributes.class).fileKey());
          if (p != null) {
            held.add(p);
          }
        } catch (IOException | UnsupportedOperationException e) {
          // Closed while listing.
        }
      }
    }
    if (blind) {
      for (Path p : paths) {
        if (writableByOthers(p)) {
          held.add(p.toAbsolutePath().normalize());
        }
      }
    }
    return Optional.of(held);
  }

  private static boolean writableByOthers(Path p) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      return perms.contains(PosixFilePermission.GROUP_WRITE)
          || perms.contains(PosixFilePermission.OTHERS_WRITE);
    } catch (IOException | UnsupportedOperationException e) {
      return true;
    }
  }

  /**
   * Deletes temporary files in {@code scratch} of processes that no longer run (or of a process id
   * reused since, judged by age), and half-written records.
   */
  public static int cleanTemps(Path scratch) {
    int n = 0;
    if (!Files.isDirectory(scratch)) {
      return 0;
    }
    long now = System.currentTimeMillis();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(scratch)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!name.endsWith(TMP) && !name.endsWith(".part")) {
          continue;
        }
        long age = now - AtomicFiles.modified(p).toMillis();
        long pid = name.endsWith(TMP) ? pidOf(name) : -1;
        boolean alive =
            name.endsWith(TMP)
                ? pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                : age < 60_000;
        if (!alive || age > STALE_TEMP_MILLIS) {
          try {
            Files.deleteIfExists(p);
            n++;
          } catch (IOException e) {
            // Not ours to delete (another user's); it stays hidden in .memdir/.
          }
        }
      }
    } catch (NoSuchFileException e) {
      return n;
    } catch (IOException e) {
      return n;
    }
    return n;
  }

  /** The process id in {@code .<name>.<pid>.<random>.tmp}, or -1. */
  static long pidOf(String tempName) {
    String[] parts = tempName.split("\\.");
    for (int i = parts.length - 3; i >= 0 && i >= parts.length - 4; i--) {
      if (parts[i].matches("\\d{1,10}")) {
        return Long.parseLong(parts[i]);
      }
    }
    return -1;
  }
}
