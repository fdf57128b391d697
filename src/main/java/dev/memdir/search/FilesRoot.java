package dev.memdir.search;

import dev.memdir.MemdirException;
import dev.memdir.ToolException;
import dev.memdir.format.Layout;
import dev.memdir.format.TextFiles;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code files/} folder, and the one gate through which a file name from a model becomes a
 * path: names are relative to {@code files/}, and anything that could reach outside it (an absolute
 * path, {@code ..}, a NUL byte, a hidden or {@code .memdir} segment, a symbolic link, a file with
 * more than one hard link) is refused with a message that says why.
 */
final class FilesRoot {
  /** The longest file name accepted. */
  static final int MAX_NAME_CHARS = 512;

  /** How deep the walk of {@code files/} goes. */
  static final int MAX_DEPTH = 32;

  private static final boolean UNIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
  private static final String UNIX_ATTRS =
      "unix:size,lastModifiedTime,nlink,isRegularFile,isDirectory,isSymbolicLink";

  private final Layout layout;
  private final Path root;

  /** Runs between a file's check and its open; tests swap the name here to stage the race. */
  Runnable beforeOpen = () -> {};

  /**
   * False makes {@link #read} take the path-based way of systems without secure streams (tests).
   */
  boolean secureStreams = true;

  FilesRoot(Layout layout) {
    this.layout = layout;
    this.root = layout.filesDir();
  }

  /** The folder itself. */
  Path root() {
    return root;
  }

  /**
   * A regular file under {@code files/}, found by walking.
   *
   * @param name the path relative to {@code files/}, with forward slashes
   * @param path the file
   * @param size its size in bytes
   * @param mtimeNanos its modification time in nanoseconds since the epoch
   */
  record Entry(String name, Path path, long size, long mtimeNanos) {}

  /**
   * The result of a walk.
   *
   * @param files regular files, by name
   * @param skipped what was left out and why, one line each
   */
  record Listing(List<Entry> files, List<String> skipped) {}

  /** Every regular, unhidden, singly linked file under {@code files/}, sorted by name. */
  Listing list() {
    return list(true);
  }

  /**
   * Every regular, unhidden file under {@code files/}, sorted by name.
   *
   * @param checkLinks whether to leave out files with more than one hard link; the freshness check
   *     skips that (one {@code lstat} per file is all it can afford) and checks when it reads a
   *     file instead
   */
  Listing list(boolean checkLinks) {
    List<Entry> files = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      rootProblem(root).ifPresent(skipped::add);
      return new Listing(files, skipped);
    }
    walk(root, "", 0, checkLinks, files, skipped);
    files.sort((a, b) -> a.name().compareTo(b.name()));
    return new Listing(files, skipped);
  }

  private void walk(
      Path dir,
      String prefix,
      int depth,
      boolean checkLinks,
      List<Entry> out,
      List<String> skipped) {
    if (depth > MAX_DEPTH) {
      skipped.add("files/" + prefix + ": more than " + MAX_DEPTH + " folders deep; not searched");
      return;
    }
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        children.add(p);
      }
    } catch (IOException e) {
      skipped.add("files/" + prefix + ": cannot list: " + e.getMessage());
      return;
    }
    children.sort(null);
    for (Path p : children) {
      String fileName = p.getFileName().toString();
      if (fileName.startsWith(".")) {
        continue;
      }
      String name = prefix + fileName;
      Attrs a;
      try {
        a = checkLinks ? attrs(p) : basicAttrs(p);
      } catch (IOException e) {
        continue; // deleted while we walked
      }
      if (a.symlink) {
        skipped.add("files/" + name + ": a symbolic link; links are not followed");
      } else if (a.directory) {
        walk(p, name + "/", depth + 1, checkLinks, out, skipped);
      } else if (!a.regular) {
        skipped.add("files/" + name + ": not a regular file");
      } else if (a.links > 1) {
        skipped.add("files/" + name + ": " + hardLinkReason(a.links));
      } else {
        out.add(new Entry(name, p, a.size, a.mtimeNanos));
      }
    }
  }

  /** Why {@code files/} is not searched, when it exists but is not a folder. */
  static Optional<String> rootProblem(Path root) {
    if (Files.isSymbolicLink(root)) {
      return Optional.of(
          "files is a symbolic link; links are not followed, so nothing under it is searched");
    }
    if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of("files is not a folder; nothing under it is searched");
    }
    return Optional.empty();
  }

  /** Why a file of {@code files/} was not read: a phrase that follows its name and a colon. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Reads a file of {@code files/} by its checked name, following no symbolic link on the way: each
   * folder is opened relative to the one before it without following links ({@code openat} with
   * {@code O_NOFOLLOW}, through {@link SecureDirectoryStream}), so a folder or link swapped in
   * after a check cannot lead the read outside {@code files/}; the file opened must be the one
   * whose attributes were checked, and have one hard link.
   *
   * @param name a path relative to {@code files/}, as {@link #check} returns it
   * @param maxBytes larger files are not read
   * @throws NoSuchFileException when it is gone
   * @throws Unreadable saying why it is not read
   */
  byte[] read(String name, long maxBytes) throws IOException, Unreadable {
    String[] segs = name.split("/");
    try (DirectoryStream<Path> top = Files.newDirectoryStream(layout.root())) {
      if (!secureStreams || !(top instanceof SecureDirectoryStream<Path> agentDir)) {
        return readByPath(name, segs, maxBytes);
      }
      SecureDirectoryStream<Path> dir = folder(agentDir, "files", "files");
      try {
        for (int i = 0; i < segs.length - 1; i++) {
          SecureDirectoryStream<Path> next =
              folder(dir, segs[i], "files/" + String.join("/", Arrays.copyOf(segs, i + 1)));
          dir.close();
          dir = next;
        }
        return readIn(dir, segs[segs.length - 1], name, maxBytes);
      } finally {
        dir.close();
      }
    }
  }

  private SecureDirectoryStream<Path> folder(
      SecureDirectoryStream<Path> parent, String seg, String shown) throws IOException, Unreadable {
    Path p = root.getFileSystem().getPath(seg);
    BasicFileAttributes a =
        parent
            .getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .readAttributes();
    if (a.isSymbolicLink()) {
      throw new Unreadable("goes through a symbolic link (" + shown + "); links are not followed");
    }
    if (!a.isDirectory()) {
      throw new NoSuchFileException(shown);
    }
    try {
      return parent.newDirectoryStream(p, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new Unreadable(shown + " changed while it was opened (" + reason(e) + ")");
    }
  }

  private byte[] readIn(SecureDirectoryStream<Path> dir, String seg, String name, long maxBytes)
      throws IOException, Unreadable {
    Path p = root.getFileSystem().getPath(seg);
    BasicFileAttributeView view =
        dir.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    BasicFileAttributes before = view.readAttributes();
    checkFile(before, maxBytes);
    beforeOpen.run();
    SeekableByteChannel ch;
    try {
      ch = dir.newByteChannel(p, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      // A name swapped for a link after the check: see reason().
      if (e instanceof NoSuchFileException) {
        throw e;
      }
      throw new Unreadable("changed while it was opened (" + reason(e) + ")");
    }
    try (ch) {
      // The name could have been swapped between the check and the open: the same file both
      // times, seen through the folder opened above, is the one that was checked.
      Object key = before.fileKey();
      if (key == null || !key.equals(view.readAttributes().fileKey())) {
        throw new Unreadable("changed while it was opened; try again");
      }
      if (UNIX) {
        // The link count only by name: it must belong to the same file.
        Map<String, Object> m =
            Files.readAttributes(
                root.resolve(name), "unix:nlink,fileKey", LinkOption.NOFOLLOW_LINKS);
        if (!key.equals(m.get("fileKey"))) {
          throw new Unreadable("changed while it was opened; try again");
        }
        int links = (Integer) m.get("nlink");
        if (links > 1) {
          throw new Unreadable(hardLinkReason(links));
        }
      }
      return TextFiles.readUpTo(ch, maxBytes).orElseThrow(() -> overCap(maxBytes));
    }
  }

  /** Where no {@link SecureDirectoryStream} exists: every segment checked before and after. */
  private byte[] readByPath(String name, String[] segs, long maxBytes)
      throws IOException, Unreadable {
    Path p = root;
    List<Object> keys = new ArrayList<>();
    keys.add(folderKey(p, "files"));
    for (int i = 0; i < segs.length - 1; i++) {
      p = p.resolve(segs[i]);
      keys.add(folderKey(p, "files/" + String.join("/", Arrays.copyOf(segs, i + 1))));
    }
    Path file = root.resolve(name);
    Attrs before = attrs(file);
    if (before.symlink) {
      throw new Unreadable("a symbolic link; links are not followed");
    }
    BasicFileAttributes b =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    checkFile(b, maxBytes);
    if (before.links > 1) {
      throw new Unreadable(hardLinkReason(before.links));
    }
    beforeOpen.run();
    SeekableByteChannel opened;
    try {
      opened = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      if (e instanceof NoSuchFileException) {
        throw e;
      }
      throw new Unreadable("changed while it was opened (" + reason(e) + ")");
    }
    try (SeekableByteChannel ch = opened) {
      Path q = root;
      List<Object> again = new ArrayList<>();
      again.add(folderKey(q, "files"));
      for (int i = 0; i < segs.length - 1; i++) {
        q = q.resolve(segs[i]);
        again.add(folderKey(q, "files/" + String.join("/", Arrays.copyOf(segs, i + 1))));
      }
      Object key =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
      if (!keys.equals(again)
          || !java.util.Objects.equals(key, b.fileKey())
          || !file.toRealPath().startsWith(root.toRealPath())) {
        throw new Unreadable("changed while it was opened; try again");
      }
      return TextFiles.readUpTo(ch, maxBytes).orElseThrow(() -> overCap(maxBytes));
    }
  }

  /**
   * Why an open failed: a no-follow open that meets a link fails with ELOOP, which the JDK reports
   * as a plain {@code IOException} ("... (NOFOLLOW_LINKS specified)"), other failures as a {@code
   * FileSystemException} with a reason.
   */
  private static String reason(IOException e) {
    return e instanceof FileSystemException f && f.getReason() != null
        ? f.getReason()
        : e.getMessage();
  }

  private static Object folderKey(Path p, String shown) throws IOException, Unreadable {
    BasicFileAttributes a =
        Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isSymbolicLink()) {
      throw new Unreadable("goes through a symbolic link (" + shown + "); links are not followed");
    }
    if (!a.isDirectory()) {
      throw new NoSuchFileException(shown);
    }
    return a.fileKey() == null ? shown : a.fileKey();
  }

  private static void checkFile(BasicFileAttributes a, long maxBytes) throws Unreadable {
    if (a.isSymbolicLink()) {
      throw new Unreadable("a symbolic link; links are not followed");
    }
    if (!a.isRegularFile()) {
      throw new Unreadable("not a regular file");
    }
    if (a.size() > maxBytes) {
      throw overCap(maxBytes);
    }
  }

  private static Unreadable overCap(long maxBytes) {
    return new Unreadable(
        "over " + (maxBytes >= 1 << 20 ? (maxBytes >> 20) + " MiB" : maxBytes + " bytes"));
  }

  /**
   * The file an untrusted name refers to.
   *
   * @param name a path relative to {@code files/}, as a model wrote it
   * @return the file's canonical name (relative to {@code files/}) and path
   * @throws ToolException when the name is malformed, leaves {@code files/}, or names no regular
   *     file
   */
  Entry resolve(String name) {
    String clean = check(name);
    Path path = root.resolve(clean);
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) && clean.startsWith("files/")) {
      // Models often repeat the folder name; accept it when it cannot mean anything else.
      String stripped = clean.substring("files/".length());
      if (Files.exists(root.resolve(stripped), LinkOption.NOFOLLOW_LINKS)) {
        clean = stripped;
        path = root.resolve(clean);
      }
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new ToolException(
          rootProblem(root).orElse("there is no files/ folder") + "; no file can be opened");
    }
    Path p = root;
    String[] segments = clean.split("/");
    for (int i = 0; i < segments.length; i++) {
      p = p.resolve(segments[i]);
      Attrs a;
      try {
        a = attrs(p);
      } catch (NoSuchFileException e) {
        throw new ToolException(
            "no file '" + clean + "' under files/; search_files or grep_files list the files");
      } catch (IOException e) {
        throw new MemdirException("files/" + clean + ": cannot read: " + e.getMessage(), e);
      }
      if (a.symlink) {
        throw new ToolException(
            "'"
                + clean
                + "' goes through a symbolic link (files/"
                + String.join("/", java.util.Arrays.copyOf(segments, i + 1))
                + "); links are not followed, so nothing can lead outside files/");
      }
      if (i < segments.length - 1) {
        if (!a.directory) {
          throw new ToolException("no file '" + clean + "' under files/");
        }
        continue;
      }
      if (a.directory) {
        throw new ToolException("'" + clean + "' is a folder; give a file inside it");
      }
      if (!a.regular) {
        throw new ToolException("'" + clean + "' is not a regular file");
      }
      if (a.links > 1) {
        throw new ToolException("'" + clean + "' " + hardLinkReason(a.links));
      }
      return new Entry(clean, p, a.size, a.mtimeNanos);
    }
    throw new IllegalStateException("unreachable: a checked name has a segment");
  }

  /**
   * Checks the form of an untrusted name and returns it without {@code ./} segments or doubled
   * slashes.
   *
   * @throws ToolException naming what is wrong
   */
  static String check(String name) {
    if (name == null || name.isBlank()) {
      throw new ToolException("file_name is empty; give a path relative to files/, like notes.md");
    }
    if (name.length() > MAX_NAME_CHARS) {
      throw new ToolException(
          "file_name is " + name.length() + " chars; at most " + MAX_NAME_CHARS + " are accepted");
    }
    String shown = name.replace("\0", "\\0");
    if (name.indexOf('\0') >= 0) {
      throw new ToolException("file_name '" + shown + "' contains a NUL byte");
    }
    if (name.indexOf('\\') >= 0) {
      throw new ToolException(
          "file_name '" + shown + "' contains a backslash; separate folders with /");
    }
    if (name.startsWith("/") || name.startsWith("~") || name.matches("^[A-Za-z]:.*")) {
      throw new ToolException(
          "file_name '" + shown + "' is absolute; give a path relative to files/, like notes.md");
    }
    List<String> parts = new ArrayList<>();
    for (String s : name.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        throw new ToolException(
            "file_name '" + shown + "' contains '..'; paths stay inside files/");
      }
      if (s.equals(".memdir")) {
        throw new ToolException(
            "file_name '" + shown + "' is under .memdir/, which holds derived state, not files");
      }
      if (s.startsWith(".")) {
        throw new ToolException(
            "file_name '" + shown + "' names a hidden file or folder; those are not offered");
      }
      for (int i = 0; i < s.length(); i++) {
        if (Character.isISOControl(s.charAt(i))) {
          throw new ToolException("file_name '" + shown + "' contains a control character");
        }
      }
      parts.add(s);
    }
    if (parts.isEmpty()) {
      throw new ToolException("file_name '" + shown + "' names no file; give one like notes.md");
    }
    return String.join("/", parts);
  }

  /** The current size and modification time of a file, following no link. */
  static Entry stat(String name, Path path) throws IOException {
    Attrs a = basicAttrs(path);
    return new Entry(name, path, a.size, a.mtimeNanos);
  }

  private static String hardLinkReason(int links) {
    return "has "
        + links
        + " hard links; hard-linked files are not read, since the other link may be outside"
        + " files/";
  }

  private record Attrs(
      long size, long mtimeNanos, int links, boolean regular, boolean directory, boolean symlink) {}

  /** The number of hard links of a file, 1 where the platform cannot tell. */
  static int links(Path p) throws IOException {
    return UNIX ? (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS) : 1;
  }

  /** Why a file with {@code links} hard links is not read. */
  static String hardLinks(int links) {
    return hardLinkReason(links);
  }

  private static Attrs basicAttrs(Path p) throws IOException {
    var b =
        Files.readAttributes(
            p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return new Attrs(
        b.size(),
        nanos(b.lastModifiedTime()),
        1,
        b.isRegularFile(),
        b.isDirectory(),
        b.isSymbolicLink());
  }

  private static Attrs attrs(Path p) throws IOException {
    if (UNIX) {
      Map<String, Object> m = Files.readAttributes(p, UNIX_ATTRS, LinkOption.NOFOLLOW_LINKS);
      return new Attrs(
          (Long) m.get("size"),
          nanos((FileTime) m.get("lastModifiedTime")),
          (Integer) m.get("nlink"),
          (Boolean) m.get("isRegularFile"),
          (Boolean) m.get("isDirectory"),
          (Boolean) m.get("isSymbolicLink"));
    }
    return basicAttrs(p);
  }

  private static long nanos(FileTime t) {
    return t.to(TimeUnit.NANOSECONDS);
  }
}
