package dev.memdir.memory;

import dev.memdir.EditException;
import dev.memdir.FormatException;
import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Layout;
import dev.memdir.format.MarkdownFolder;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The core-memory blocks of one agent directory.
 *
 * <p>Every edit reads the file afresh, applies the change to what is on disk now, checks the
 * block's limit, and replaces the file atomically. If the file changes between the read and the
 * write (a person saving in an editor), the edit is applied again to the new text, so a human edit
 * is never overwritten; an edit that no longer applies is refused.
 */
public final class CoreMemory {
  private static final int ATTEMPTS = 5;

  private final Layout layout;

  /** The core memory of the agent at {@code layout}. */
  public CoreMemory(Layout layout) {
    this.layout = layout;
  }

  /**
   * The blocks that load, sorted by label, and the problems of those that do not.
   *
   * @param blocks the loadable blocks
   * @param problems errors of broken blocks and warnings of loaded ones
   */
  public record Snapshot(List<Block> blocks, List<Problem> problems) {
    /** Copies the lists. */
    public Snapshot {
      blocks = List.copyOf(blocks);
      problems = List.copyOf(problems);
    }
  }

  /** Loads every block; one broken file does not stop the others. */
  public Snapshot load() {
    List<Block> blocks = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Path file : blockFiles(problems)) {
      String name = file.getFileName().toString();
      String label = name.substring(0, name.length() - 3);
      String display = layout.display(file);
      try {
        Block.checkLabel(label);
      } catch (IllegalArgumentException e) {
        problems.add(Problem.error(display, 0, e.getMessage() + "; rename the file"));
        continue;
      }
      try {
        Block b = BlockFile.parse(label, read(file), display, problems);
        if (b.overLimit()) {
          problems.add(
              Problem.error(
                  display,
                  0,
                  "value is "
                      + b.chars()
                      + " / "
                      + b.limit()
                      + " chars, over its limit; agent edits that keep it over the limit are"
                      + " refused until it is shortened or the limit raised"));
        }
        blocks.add(b);
      } catch (FormatException e) {
        problems.add(Problem.of(e));
      } catch (MemdirException e) {
        problems.add(Problem.error(display, 0, e.getMessage()));
      }
    }
    problems.sort(Comparator.comparing(Problem::file).thenComparing(Problem::line));
    return new Snapshot(blocks, problems);
  }

  /** The labels of all block files, sorted. */
  public List<String> labels() {
    return blockFiles(new ArrayList<>()).stream()
        .map(p -> p.getFileName().toString())
        .map(n -> n.substring(0, n.length() - 3))
        .collect(Collectors.toList());
  }

  /** The block with this label, if its file exists. */
  public Optional<Block> find(String label) {
    Path file = fileOf(label);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(BlockFile.parse(label, read(file), layout.display(file), new ArrayList<>()));
  }

  /** The block with this label; an error listing the existing labels when there is none. */
  public Block get(String label) {
    return find(label).orElseThrow(() -> noSuchBlock(label));
  }

  /** Creates a block; refuses an existing label and a value over {@code limit}. */
  public Block create(String label, String description, int limit, String value) {
    Block b = Block.create(label, description, limit, value);
    checkLimit(b, value);
    Path file = fileOf(label);
    if (Files.exists(file)) {
      throw new EditException("block '" + label + "' already exists (" + layout.display(file) + ")");
    }
    AtomicFiles.write(file, b.render());
    return b;
  }

  /** Deletes a block's file. */
  public void delete(String label) {
    Path file = fileOf(label);
    try {
      Files.delete(file);
    } catch (NoSuchFileException e) {
      throw noSuchBlock(label);
    } catch (IOException e) {
      throw new MemdirException("cannot delete " + layout.display(file) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the one occurrence of {@code oldText} with {@code newText}.
   *
   * @throws EditException when {@code oldText} occurs zero or several times (naming the lines)
   */
  public Block replace(Actor actor, String label, String oldText, String newText) {
    if (oldText.isEmpty()) {
      throw new EditException("old text is empty; give the exact text to replace");
    }
    return edit(actor, label, b -> Edits.replaceOnce(b.label(), b.value(), oldText, newText));
  }

  /**
   * Inserts text as new lines, Letta's convention: 0 = top, -1 = end, N = after line N.
   *
   * @throws EditException when the line is out of range
   */
  public Block insert(Actor actor, String label, String text, int afterLine) {
    return edit(actor, label, b -> Edits.insertLines(b.label(), b.value(), text, afterLine));
  }

  /** Replaces the whole value. */
  public Block rethink(Actor actor, String label, String value) {
    return edit(actor, label, b -> value);
  }

  /** Appends text on a new line (or as the value of an empty block). */
  public Block append(Actor actor, String label, String text) {
    return edit(actor, label, b -> b.value().isEmpty() ? text : b.value() + "\n" + text);
  }

  private Block edit(Actor actor, String label, Function<Block, String> change) {
    Block.checkLabel(label);
    Path file = fileOf(label);
    String display = layout.display(file);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      byte[] before = readBytesOrMissing(file, label);
      Block current =
          BlockFile.parse(label, TextFiles.decode(before, display), display, new ArrayList<>());
      if (current.readOnly() && actor == Actor.AGENT) {
        throw new EditException(
            "block '" + label + "' is read-only; the agent cannot edit it (a person may edit "
                + display + ")");
      }
      Block next = current.withValue(change.apply(current));
      checkLimit(next, next.value());
      if (!Arrays.equals(before, readBytesOrMissing(file, label))) {
        continue; // a person saved the file meanwhile: apply the edit to the new text
      }
      AtomicFiles.write(file, next.render());
      return next;
    }
    throw new EditException(
        "block '" + label + "' kept changing while being edited; try again");
  }

  private static void checkLimit(Block b, String value) {
    int chars = TextFiles.codePoints(value);
    if (chars > b.limit()) {
      throw new EditException(
          "edit refused: block '"
              + b.label()
              + "' would hold "
              + chars
              + " / "
              + b.limit()
              + " chars, over its limit by "
              + (chars - b.limit())
              + "; shorten the text or rethink the block");
    }
  }

  private byte[] readBytesOrMissing(Path file, String label) {
    if (!Files.exists(file)) {
      throw noSuchBlock(label);
    }
    return TextFiles.readBytes(file, layout.display(file), Layout.MAX_MARKDOWN_BYTES);
  }

  private String read(Path file) {
    return TextFiles.read(file, layout.display(file), Layout.MAX_MARKDOWN_BYTES);
  }

  private Path fileOf(String label) {
    try {
      Block.checkLabel(label);
    } catch (IllegalArgumentException e) {
      throw new EditException(e.getMessage());
    }
    return layout.memoryDir().resolve(label + ".md");
  }

  private EditException noSuchBlock(String label) {
    List<String> labels = labels();
    return new EditException(
        "no block '"
            + label
            + "'"
            + (labels.isEmpty() ? "" : " (blocks: " + String.join(", ", labels) + ")"));
  }

  private List<Path> blockFiles(List<Problem> problems) {
    return MarkdownFolder.list(layout, layout.memoryDir(), "not a block (blocks are <label>.md files)", problems);
  }
}
