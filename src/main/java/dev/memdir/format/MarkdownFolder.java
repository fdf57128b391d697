package dev.memdir.format;

import dev.memdir.MemdirException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the {@code *.md} files of a standard folder such as {@code memory/} or {@code archival/}.
 */
public final class MarkdownFolder {
  private MarkdownFolder() {}

  /**
   * The Markdown files directly in {@code dir}, sorted by name; hidden files are skipped, other
   * entries give a warning. A missing folder is empty; a file in its place is an error.
   *
   * @param what how the warning names a proper entry, e.g. "not a block (blocks are {@code
   *     <label>.md} files)"
   */
  public static List<Path> list(Layout layout, Path dir, String what, List<Problem> problems) {
    List<Path> out = new ArrayList<>();
    if (Files.isSymbolicLink(dir)) {
      problems.add(Problem.error(layout.display(dir), 0, TextFiles.SYMBOLIC_LINK + " (a folder)"));
      return out;
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        problems.add(Problem.error(layout.display(dir), 0, "is a file, expected a folder"));
      }
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          // A cloned directory can carry a link to any file of the machine.
          problems.add(Problem.error(layout.display(p), 0, TextFiles.SYMBOLIC_LINK + "; ignored"));
        } else if (name.endsWith(".md") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(p);
        } else {
          problems.add(Problem.warning(layout.display(p), 0, what + "; ignored"));
        }
      }
    } catch (IOException e) {
      throw new MemdirException("cannot list " + layout.display(dir) + ": " + e.getMessage(), e);
    }
    out.sort(null);
    return out;
  }
}
