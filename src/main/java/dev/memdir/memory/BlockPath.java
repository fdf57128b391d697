package dev.memdir.memory;

import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Layout;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one mapping between a block's label and its file: the label {@code system/human} is the file
 * {@code memory/system/human.md}, as in Letta Code's memory filesystem. A label is 1 to {@value
 * #MAX_DEPTH} parts separated by {@code /}; each part is 1 to 64 letters, digits, {@code _}, {@code
 * -} or {@code .}, starting with a letter or digit, so no label can name {@code ..}, an absolute
 * path, a hidden file or a file outside {@code memory/}.
 */
public final class BlockPath {
  /** The most parts a label may have ({@code a/b/c} has 3). */
  public static final int MAX_DEPTH = 8;

  private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final String RULE =
      "use 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit, in 1 to "
          + MAX_DEPTH
          + " parts separated by '/' (like human or system/human)";

  private BlockPath() {}

  /**
   * Checks a label.
   *
   * @return the label
   * @throws IllegalArgumentException naming the label and the rule
   */
  public static String check(String label) {
    Objects.requireNonNull(label, "label");
    String[] parts = label.split("/", -1);
    boolean ok = parts.length <= MAX_DEPTH;
    for (String p : parts) {
      ok &= PART.matcher(p).matches();
    }
    if (!ok) {
      throw new IllegalArgumentException("invalid block label \"" + shown(label) + "\": " + RULE);
    }
    return label;
  }

  /** Whether {@code label} is a valid label. */
  public static boolean isValid(String label) {
    try {
      check(label);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The file of a block: {@code memoryDir/<label>.md}.
   *
   * @throws IllegalArgumentException for an invalid label
   */
  public static Path fileOf(Path memoryDir, String label) {
    check(label);
    Path file = memoryDir.resolve(label + ".md").normalize();
    if (!file.startsWith(memoryDir.normalize())) {
      throw new IllegalArgumentException("invalid block label \"" + shown(label) + "\": " + RULE);
    }
    return file;
  }

  /**
   * The label of a block file under {@code memoryDir}: its path without {@code .md}, parts joined
   * with {@code /}.
   *
   * @throws IllegalArgumentException when the file is not under {@code memoryDir}, does not end in
   *     {@code .md}, or its path is not a valid label
   */
  public static String labelOf(Path memoryDir, Path file) {
    Path rel = memoryDir.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
    String s = rel.toString().replace('\\', '/');
    if (!s.endsWith(".md") || s.startsWith("../") || rel.isAbsolute()) {
      throw new IllegalArgumentException("not a block file: " + s);
    }
    return check(s.substring(0, s.length() - 3));
  }

  /** The label of a path relative to the agent ({@code memory/a/b.md}), if it is a block file. */
  public static Optional<String> labelOfRelative(String relative) {
    if (!relative.startsWith("memory/") || !relative.endsWith(".md")) {
      return Optional.empty();
    }
    String label = relative.substring("memory/".length(), relative.length() - 3);
    return isValid(label) ? Optional.of(label) : Optional.empty();
  }

  /**
   * Whether the block is shown in full in the context window: a flat label or one under system/.
   */
  public static boolean inContext(String label) {
    return label.indexOf('/') < 0 || label.startsWith("system/");
  }

  /**
   * The block files under the memory folder, recursively, sorted by path; hidden entries are
   * skipped, symbolic links are errors, other files warnings, and a block file an agent write set
   * aside for a moment still counts.
   */
  static List<Path> list(Layout layout, List<Problem> problems) {
    List<Path> out = new ArrayList<>();
    Path dir = layout.memoryDir();
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
    walk(layout, dir, 1, out, problems);
    out.sort(null);
    return out;
  }

  private static void walk(Layout layout, Path dir, int depth, List<Path> out, List<Problem> ps) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          // A cloned directory can carry a link to any file of the machine.
          ps.add(Problem.error(layout.display(p), 0, TextFiles.SYMBOLIC_LINK + "; ignored"));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          if (depth < MAX_DEPTH) {
            walk(layout, p, depth + 1, out, ps);
          } else {
            ps.add(
                Problem.warning(
                    layout.display(p),
                    0,
                    "folder nested deeper than " + MAX_DEPTH + " levels; ignored"));
          }
        } else if (name.endsWith(".md") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(p);
        } else {
          ps.add(
              Problem.warning(
                  layout.display(p),
                  0,
                  "not a block (blocks are <label>.md files, in folders for labels like"
                      + " system/human); ignored"));
        }
      }
    } catch (IOException e) {
      ps.add(Problem.error(layout.display(dir), 0, "cannot list: " + e.getMessage()));
    }
    for (Path target : AtomicFiles.asideTargets(dir)) {
      if (target.getFileName().toString().endsWith(".md") && !out.contains(target)) {
        out.add(target);
      }
    }
  }

  private static String shown(String label) {
    return label.replace("\0", "\\0");
  }
}
