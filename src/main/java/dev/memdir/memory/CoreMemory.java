package dev.memdir.memory;

import dev.memdir.EditException;
import dev.memdir.FormatException;
import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Layout;
import dev.memdir.format.MarkdownFolder;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import dev.memdir.format.WriteLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The core-memory blocks of one agent directory.
 *
 * <p>Every edit takes the agent's {@link WriteLock}, reads the file afresh, applies the change to
 * what is on disk now, checks the block's limit, and replaces the file only if it still holds the
 * bytes read ({@link AtomicFiles#compareAndSwap}). If a person saves the file in between, the edit
 * is applied again to their text, so a human edit is never overwritten.
 *
 * <p>An agent edit may say which value it was computed against ({@code basedOn}, the {@link
 * Block#valueHash()} the agent saw). When the value has changed since, the edit is re-applied only
 * where that is unambiguous: an append, an insert at the top or end, a replace whose old text still
 * occurs exactly once. A rethink, or an insert at a line number, is refused.
 */
public final class CoreMemory {
  private static final int ATTEMPTS = 10;

  private final Layout layout;
  private final WriteLock lock;

  /** The core memory of the agent at {@code layout}; edits wait up to 10 s for the write lock. */
  public CoreMemory(Layout layout) {
    this(layout, WriteLock.of(layout, WriteLock.DEFAULT_WAIT));
  }

  /** The core memory of the agent at {@code layout}, whose edits take {@code lock}. */
  public CoreMemory(Layout layout, WriteLock lock) {
    this.layout = layout;
    this.lock = lock;
  }

  /** How one edit changes a block's value; {@code stale} when the value changed since basedOn. */
  private interface Change {
    String apply(Block current, boolean stale);
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
    if (AtomicFiles.settled(file).isEmpty()) {
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
    try (WriteLock.Hold hold = lock.acquire()) {
      AtomicFiles.recoverAsides(file);
      if (Files.exists(file)
          || !AtomicFiles.createNew(file, b.render().getBytes(StandardCharsets.UTF_8))) {
        throw new EditException(
            "block '" + label + "' already exists (" + layout.display(file) + ")");
      }
    }
    return b;
  }

  /** Deletes a block's file. */
  public void delete(String label) {
    Path file = fileOf(label);
    try (WriteLock.Hold hold = lock.acquire()) {
      AtomicFiles.recoverAsides(file);
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
    return replace(actor, label, oldText, newText, Optional.empty());
  }

  /**
   * Replaces the one occurrence of {@code oldText}; with {@code basedOn}, re-applied to a value
   * changed since only while the old text still occurs exactly once.
   */
  public Block replace(
      Actor actor, String label, String oldText, String newText, Optional<String> basedOn) {
    if (oldText.isEmpty()) {
      throw new EditException("old text is empty; give the exact text to replace");
    }
    return edit(
        actor,
        label,
        basedOn,
        (b, stale) ->
            stale
                ? Edits.replaceOnceInChanged(b.label(), b.value(), oldText, newText)
                : Edits.replaceOnce(b.label(), b.value(), oldText, newText));
  }

  /**
   * Inserts text as new lines, Letta's convention: 0 = top, -1 = end, N = after line N.
   *
   * @throws EditException when the line is out of range
   */
  public Block insert(Actor actor, String label, String text, int afterLine) {
    return insert(actor, label, text, afterLine, Optional.empty());
  }

  /**
   * Inserts text as new lines; with {@code basedOn}, an insert after line N into a value changed
   * since is refused (the lines may have moved), at the top or end it is re-applied.
   */
  public Block insert(
      Actor actor, String label, String text, int afterLine, Optional<String> basedOn) {
    return edit(
        actor,
        label,
        basedOn,
        (b, stale) -> {
          if (stale && afterLine != 0 && afterLine != -1) {
            throw new EditException(
                "edit refused: block '"
                    + b.label()
                    + "' changed since the agent read it, so line "
                    + afterLine
                    + " may not be the line meant; read the block again, or insert at 0 (top) or"
                    + " -1 (end)");
          }
          return Edits.insertLines(b.label(), b.value(), text, afterLine);
        });
  }

  /** Replaces the whole value. */
  public Block rethink(Actor actor, String label, String value) {
    return rethink(actor, label, value, Optional.empty());
  }

  /**
   * Replaces the whole value; with {@code basedOn}, refused when the value changed since, because
   * the new value would silently drop that change.
   */
  public Block rethink(Actor actor, String label, String value, Optional<String> basedOn) {
    return edit(
        actor,
        label,
        basedOn,
        (b, stale) -> {
          if (stale) {
            throw new EditException(
                "edit refused: block '"
                    + b.label()
                    + "' changed since the agent read it (someone edited "
                    + layout.display(fileOf(b.label()))
                    + "); a rethink would overwrite that change, so read the block again and"
                    + " rethink from its current text");
          }
          return value;
        });
  }

  /** Appends text on a new line (or as the value of an empty block). */
  public Block append(Actor actor, String label, String text) {
    return append(actor, label, text, Optional.empty());
  }

  /** Appends text on a new line; re-applied to a value changed since {@code basedOn}. */
  public Block append(Actor actor, String label, String text, Optional<String> basedOn) {
    return edit(
        actor, label, basedOn, (b, stale) -> b.value().isEmpty() ? text : b.value() + "\n" + text);
  }

  private Block edit(Actor actor, String label, Optional<String> basedOn, Change change) {
    Block.checkLabel(label);
    Path file = fileOf(label);
    String display = layout.display(file);
    try (WriteLock.Hold hold = lock.acquire()) {
      AtomicFiles.recoverAsides(file);
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        byte[] before = readSettled(file, label);
        Block current =
            BlockFile.parse(label, TextFiles.decode(before, display), display, new ArrayList<>());
        if (current.readOnly() && actor == Actor.AGENT) {
          throw new EditException(
              "block '"
                  + label
                  + "' is read-only; the agent cannot edit it (a person may edit "
                  + display
                  + ")");
        }
        boolean stale = basedOn.isPresent() && !basedOn.get().equals(current.valueHash());
        Block next = current.withValue(change.apply(current, stale));
        checkLimit(next, next.value());
        byte[] after = next.render().getBytes(StandardCharsets.UTF_8);
        if (AtomicFiles.compareAndSwap(file, before, after)) {
          return next;
        }
        // A person saved the file meanwhile: apply the edit to their text.
      }
    }
    throw new EditException("block '" + label + "' kept changing while being edited; try again");
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

  /** The file's bytes, read again after a pause when a person may be half-way through a save. */
  private byte[] readSettled(Path file, String label) {
    byte[] bytes = readBytesOrMissing(file, label);
    for (int i = 0; i < 5 && AtomicFiles.mayBeMidWrite(bytes); i++) {
      AtomicFiles.settle();
      byte[] again = readBytesOrMissing(file, label);
      if (Arrays.equals(again, bytes)) {
        break;
      }
      bytes = again;
    }
    return bytes;
  }

  private byte[] readBytesOrMissing(Path file, String label) {
    Path at = AtomicFiles.settled(file).orElseThrow(() -> noSuchBlock(label));
    try {
      return TextFiles.readBytes(at, layout.display(file), Layout.MAX_MARKDOWN_BYTES);
    } catch (MemdirException e) {
      if (Files.exists(file) || AtomicFiles.settled(file).isEmpty()) {
        throw e;
      }
      // Swapped between the check and the read: read the file again once it is back.
      return TextFiles.readBytes(
          AtomicFiles.settled(file).orElseThrow(() -> noSuchBlock(label)),
          layout.display(file),
          Layout.MAX_MARKDOWN_BYTES);
    }
  }

  private String read(Path file) {
    String display = layout.display(file);
    String name = file.getFileName().toString();
    String label = name.substring(0, name.length() - 3);
    return TextFiles.decode(readBytesOrMissing(file, label), display);
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
    List<Path> out =
        new ArrayList<>(
            MarkdownFolder.list(
                layout, layout.memoryDir(), "not a block (blocks are <label>.md files)", problems));
    // A block file set aside for a moment by an agent write (or left so by a crash) still counts.
    for (Path target : AtomicFiles.asideTargets(layout.memoryDir())) {
      if (target.getFileName().toString().endsWith(".md") && !out.contains(target)) {
        out.add(target);
      }
    }
    out.sort(null);
    return out;
  }
}
