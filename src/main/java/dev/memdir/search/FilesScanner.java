package dev.memdir.search;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The freshness walk of {@code files/}, made cheap enough to run before every search: one {@code
 * lstat} per folder and per file. A folder is listed again only when its modification time changed
 * (an entry was added, removed or renamed) or is too recent to trust; otherwise its remembered
 * entries are stat-ed directly.
 */
final class FilesScanner {
  private final Path root;
  private final Map<Path, Folder> folders = new HashMap<>();

  /** A folder as last listed: its time, when it was listed, its files and subfolders. */
  private record Folder(
      long mtimeNanos,
      long listedAtNanos,
      List<Child> files,
      List<Path> folders,
      List<String> skipped) {}

  /** A file of a folder, with its name relative to {@code files/}. */
  private record Child(String name, Path path) {}

  FilesScanner(Path root) {
    this.root = root;
  }

  /** The regular, unhidden files under {@code files/} with their current size and time. */
  FilesRoot.Listing scan() {
    List<FilesRoot.Entry> out = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    BasicFileAttributes a = attrs(root);
    if (a == null || !a.isDirectory()) {
      folders.clear();
      if (a != null) {
        skipped.add("files is not a folder; nothing under it is searched");
      }
      return new FilesRoot.Listing(out, skipped);
    }
    scan(root, "", a, 0, out, skipped);
    out.sort((x, y) -> x.name().compareTo(y.name()));
    return new FilesRoot.Listing(out, skipped);
  }

  private void scan(
      Path dir,
      String prefix,
      BasicFileAttributes attrs,
      int depth,
      List<FilesRoot.Entry> out,
      List<String> skipped) {
    if (depth > FilesRoot.MAX_DEPTH) {
      skipped.add("files/" + prefix + ": more than " + FilesRoot.MAX_DEPTH + " folders deep");
      return;
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
    for (Path sub : f.folders()) {
      BasicFileAttributes sa = attrs(sub);
      if (sa == null || !sa.isDirectory()) {
        vanished = true;
        continue;
      }
      scan(sub, prefix + sub.getFileName() + "/", sa, depth + 1, out, skipped);
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
