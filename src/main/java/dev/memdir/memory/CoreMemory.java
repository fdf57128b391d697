package dev.memdir.memory;

import dev.memdir.EditException;
import dev.memdir.FormatException;
import dev.memdir.MemdirException;
import dev.memdir.format.Asides;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Layout;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import dev.memdir.format.WriteLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
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
  private static final System.Logger LOG = System.getLogger(CoreMemory.class.getName());
  private static final long CLEAN_EVERY_MILLIS = 10_000;
  private static final long LEGACY_TEMP_MILLIS = 60_000;
  private static final long REAP_AFTER_MICROS = 300_000;
  private static final int REAP_COUNT = 4;
  private static final long GRACE_MILLIS = 60_000;
  private static final long EMPTY_WAIT_MILLIS = 1_000;

  private final Layout layout;
  private final WriteLock lock;
  private final Map<String, Integer> lastSeen = new ConcurrentHashMap<>();

  /** Labels of the blocks the agent edited since {@link #takeAgentWritten} last ran. */
  private final Set<String> agentWritten = ConcurrentHashMap.newKeySet();

  private final List<String> notices = new ArrayList<>();
  private volatile long lastClean;

  /** The core memory of the agent at {@code layout}; edits wait up to 10 s for the write lock. */
  public CoreMemory(Layout layout) {
    this(layout, WriteLock.of(layout, WriteLock.DEFAULT_WAIT));
  }

  /** The core memory of the agent at {@code layout}, whose edits take {@code lock}. */
  public CoreMemory(Layout layout, WriteLock lock) {
    this.layout = layout;
    this.lock = lock;
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

  /**
   * Loads every block; one broken file does not stop the others. First merges or deletes the old
   * files kept since edits, and puts back a block a crash left missing.
   */
  public Snapshot load() {
    reconcile(false);
    return inspect();
  }

  /**
   * Loads every block as {@link #load} does but changes nothing: a block a crash left missing is
   * read from its old file and reported, as is a person's late save kept to merge by hand.
   */
  public Snapshot inspect() {
    List<Block> blocks = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    Path scratch = layout.derivedDir().resolve("tmp");
    for (Asides.Pending p : Asides.list(scratch)) {
      Path target = Asides.targetPath(scratch, p);
      if (!target.startsWith(layout.memoryDir())) {
        continue;
      }
      if (!Files.exists(target) && Files.exists(p.swap())) {
        problems.add(
            Problem.error(
                layout.display(target),
                0,
                "missing; its last content is in "
                    + layout.display(p.swap())
                    + " (the next edit puts it back)"));
      } else if (p.conflict() && p.oldFile().isPresent()) {
        problems.add(
            Problem.warning(
                layout.display(target),
                0,
                "a save that reached an old copy while the agent edited it is in "
                    + layout.display(p.oldFile().get())
                    + "; merge it by hand, then delete that file"));
      }
    }
    for (Path file : blockFiles(problems)) {
      String display = layout.display(file);
      String label;
      try {
        label = BlockPath.labelOf(layout.memoryDir(), file);
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
    reconcile(false);
    return blockFiles(new ArrayList<>()).stream()
        .filter(p -> BlockPath.isValid(labelOf(p)))
        .map(this::labelOf)
        .collect(Collectors.toList());
  }

  /** The block with this label, if its file exists. */
  public Optional<Block> find(String label) {
    Path file = fileOf(label);
    reconcile(false);
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
      reconcile(false);
      createParents(file);
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
      reconcile(false);
      AtomicFiles.recoverAsides(file);
      Files.delete(file);
      deleteEmptyParents(file);
      for (Asides.Pending p : Asides.of(file)) {
        // Old copies of a deleted block are never put back; a late save to one stays reported.
        Asides.save(
            new Asides.Pending(
                p.record(),
                p.target(),
                p.seq(),
                p.baseSha(),
                p.baseSize(),
                p.baseMtime(),
                p.wroteSha(),
                "",
                false,
                p.conflict()));
      }
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
    return edit(actor, label, basedOn, Op.replace(oldText, newText));
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
    return edit(actor, label, basedOn, Op.insert(text, afterLine));
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
    return edit(actor, label, basedOn, Op.rethink(value));
  }

  /** Appends text on a new line (or as the value of an empty block). */
  public Block append(Actor actor, String label, String text) {
    return append(actor, label, text, Optional.empty());
  }

  /** Appends text on a new line; re-applied to a value changed since {@code basedOn}. */
  public Block append(Actor actor, String label, String text, Optional<String> basedOn) {
    return edit(actor, label, basedOn, Op.append(text));
  }

  /**
   * Sets a block's description and/or limit, a person's edit of its front matter: the lines of the
   * other keys, comments and the value are kept byte for byte (see {@link Block#render()}).
   *
   * @throws EditException when the new limit is below the value's length
   */
  public Block configure(String label, Optional<String> description, Optional<Integer> limit) {
    return modify(label, description, limit, Optional.empty(), Optional.empty());
  }

  /**
   * A person's change of a block's description, limit and value at once, in one write: either all
   * of it is saved or none (a new value and the limit it needs can change together). The value is
   * set as {@link #rethink} sets it, refused when it changed since {@code basedOn}; the front
   * matter as {@link #configure} sets it.
   *
   * @throws EditException when the value is over the (new) limit, or changed since {@code basedOn}
   */
  public Block modify(
      String label,
      Optional<String> description,
      Optional<Integer> limit,
      Optional<String> value,
      Optional<String> basedOn) {
    Block.checkLabel(label);
    Path file = fileOf(label);
    String display = layout.display(file);
    Optional<Op> op = value.map(Op::rethink);
    try (WriteLock.Hold hold = lock.acquire()) {
      reconcile(false);
      AtomicFiles.recoverAsides(file);
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        byte[] before = readSettled(file, label);
        Block current =
            BlockFile.parse(label, TextFiles.decode(before, display), display, new ArrayList<>());
        boolean stale = basedOn.isPresent() && !basedOn.get().equals(current.valueHash());
        String newValue =
            op.isPresent() ? op.get().apply(current, stale, display) : current.value();
        boolean frontMatter = description.isPresent() || limit.isPresent();
        // The front matter is written only when it changes (a block file without one keeps none).
        Block next =
            !frontMatter
                ? current.withValue(newValue)
                : new Block(
                    label,
                    description.orElse(current.description()),
                    limit.orElse(current.limit()),
                    current.readOnly(),
                    current.metadata(),
                    newValue,
                    current.extra(),
                    true,
                    current.frontMatterText());
        checkLimit(next, next.value());
        byte[] after = next.render().getBytes(StandardCharsets.UTF_8);
        // A value alone carries its redo note (as rethink's). With a front matter change, none: a
        // person's save that reaches the old file late is kept as a conflict rather than merged
        // under a front matter it never saw.
        String note = op.isPresent() && !frontMatter ? op.get().toJson() : "";
        if (Arrays.equals(before, after) || AtomicFiles.compareAndSwap(file, before, after, note)) {
          lastSeen.put(label, after.length);
          return next;
        }
      }
    }
    throw new EditException("block '" + label + "' kept changing while being edited; try again");
  }

  /**
   * The refusals since the last call: agent edits that could not be redone on a person's text that
   * reached an old file late (the person's text was kept). Each names the block and the reason.
   */
  public List<String> takeNotices() {
    synchronized (notices) {
      List<String> out = List.copyOf(notices);
      notices.clear();
      return out;
    }
  }

  /**
   * The labels of the blocks the agent edited since the last call, and forgets them: what a turn's
   * commit attributes to the agent (a block a person changed during the turn and the agent did not
   * touch is committed as the person's edit).
   */
  public Set<String> takeAgentWritten() {
    Set<String> out = new TreeSet<>(agentWritten);
    agentWritten.removeAll(out);
    return out;
  }

  /**
   * Verifies every old block file kept since an edit, now: merges late writes into the blocks and
   * deletes those unchanged and no longer open. Call it when a turn ends.
   */
  public void settle() {
    reconcile(true);
  }

  private Block edit(Actor actor, String label, Optional<String> basedOn, Op op) {
    Block.checkLabel(label);
    Path file = fileOf(label);
    String display = layout.display(file);
    try (WriteLock.Hold hold = lock.acquire()) {
      reconcile(false);
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
        Block next = current.withValue(op.apply(current, stale, display));
        checkLimit(next, next.value());
        byte[] after = next.render().getBytes(StandardCharsets.UTF_8);
        if (AtomicFiles.compareAndSwap(file, before, after, op.toJson())) {
          lastSeen.put(label, after.length);
          if (actor == Actor.AGENT) {
            agentWritten.add(label);
          }
          return next;
        }
        // A person saved the file meanwhile: apply the edit to their text.
      }
    }
    throw new EditException("block '" + label + "' kept changing while being edited; try again");
  }

  /**
   * Checks the old files that edits keep in {@code .memdir/tmp/} (see {@link Asides}): a crash
   * mid-swap is undone, a write that reached an old file late (an editor that truncated before the
   * swap and wrote after it, or one holding the file open, {@code >>} or r+) is merged into the
   * block, and old files unchanged and open nowhere are deleted. Cheap when there are none: one
   * folder listing. Needs the write lock; skipped while another process holds it.
   */
  private void reconcile(boolean force) {
    Path scratch = layout.derivedDir().resolve("tmp");
    long now = System.currentTimeMillis();
    boolean cleanDue = now - lastClean > CLEAN_EVERY_MILLIS;
    if (!Files.isDirectory(scratch)) {
      if (cleanDue) {
        lastClean = now;
        cleanLegacyTemps();
      }
      return;
    }
    List<Asides.Pending> all =
        Asides.list(scratch).stream().filter(p -> p.target().startsWith("memory/")).toList();
    if (all.isEmpty() && !cleanDue) {
      return;
    }
    Optional<WriteLock.Hold> hold;
    try {
      hold = lock.heldByCurrentThread() ? Optional.of(lock.acquire()) : lock.tryAcquire();
    } catch (MemdirException e) {
      return; // a read-only agent directory: read as it is
    }
    if (hold.isEmpty()) {
      return;
    }
    try (WriteLock.Hold h = hold.get()) {
      if (cleanDue) {
        lastClean = now;
        Asides.cleanTemps(scratch);
        cleanLegacyTemps();
      }
      List<String> targets = all.stream().map(Asides.Pending::target).distinct().toList();
      for (String target : targets) {
        reconcile(scratch, target, force);
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot check " + layout.display(scratch) + ": " + e);
    }
  }

  private void reconcile(Path scratch, String target, boolean force) throws IOException {
    Path file = layout.root().resolve(target).normalize();
    if (!file.startsWith(layout.memoryDir())) {
      return;
    }
    AtomicFiles.recoverAsides(file);
    List<Asides.Pending> ps = Asides.of(file);
    for (Asides.Pending p : ps) {
      AtomicFiles.joinFragment(file, p);
    }
    ps = Asides.of(file);
    for (Asides.Pending p : ps) {
      if (!p.conflict() && Asides.looksChanged(p)) {
        byte[] v;
        try {
          v = Asides.content(p);
        } catch (Asides.TooLargeException e) {
          conflict(p, layout.display(file), tooLarge(e));
          ps = Asides.of(file);
          continue;
        }
        if (TextFiles.sha256(v).equals(p.baseSha())) {
          Asides.save(Asides.rebase(p, v));
        } else {
          merge(file, p, v);
        }
        ps = Asides.of(file);
      }
    }
    long nowMicros = System.currentTimeMillis() * 1000;
    List<Asides.Pending> due = new ArrayList<>();
    for (Asides.Pending p : ps) {
      if (!p.conflict()
          && !AtomicFiles.WINDOW.equals(p.note())
          && Files.exists(p.aside())
          && (force || ps.size() > REAP_COUNT || nowMicros - p.seq() > REAP_AFTER_MICROS)) {
        due.add(p);
      }
    }
    if (!due.isEmpty()) {
      Optional<Set<Path>> held = Asides.heldOpen(due.stream().map(Asides.Pending::aside).toList());
      for (Asides.Pending p : due) {
        Path aside = p.aside().toAbsolutePath().normalize();
        boolean open =
            held.isPresent()
                ? held.get().contains(aside)
                : System.currentTimeMillis() - Files.getLastModifiedTime(aside).toMillis()
                    < GRACE_MILLIS;
        if (open) {
          continue;
        }
        // Nobody holds it, so nothing can write to it any more: what it holds now is final.
        byte[] v;
        try {
          v = Asides.content(p);
        } catch (Asides.TooLargeException e) {
          conflict(p, layout.display(file), tooLarge(e));
          continue;
        }
        if (TextFiles.sha256(v).equals(p.baseSha())) {
          Files.delete(p.aside());
        } else {
          merge(file, p, v);
        }
      }
      ps = Asides.of(file);
    }
    // A record is kept while an older old file of the block is: a late write there redoes it.
    boolean olderKept = false;
    for (Asides.Pending p : ps) {
      boolean kept = p.oldFile().isPresent();
      if (!kept && !olderKept) {
        Files.deleteIfExists(p.record());
      }
      olderKept |= kept;
    }
  }

  /**
   * A person's text {@code v} reached the old file of {@code p} after the swap. An append (it
   * extends what the old file held) is appended to the block; a rewrite gets every agent edit made
   * since redone on it, or, if one cannot be redone, the person's text wins and the refusal is
   * noted. When the block itself was saved by a person meanwhile, two versions of theirs compete:
   * the old file is kept and reported, never deleted.
   */
  private void merge(Path file, Asides.Pending p, byte[] v) throws IOException {
    String label = labelOf(file);
    String display = layout.display(file);
    List<Asides.Pending> ps = Asides.of(file);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (!Files.exists(file)) {
        conflict(p, display, "the block file is gone");
        return;
      }
      byte[] c = readSettled(file, label);
      String cSha = TextFiles.sha256(c);
      String lastWrote = "";
      for (Asides.Pending q : ps) {
        if (!q.wroteSha().isEmpty()) {
          lastWrote = q.wroteSha();
        }
      }
      byte[] next;
      String note = "";
      // An append: v extends what the old file held; or, when it held nothing (a file an
      // appender's O_CREAT made while the name was away, or one caught truncated), v does not
      // start as the block does, so it is no editor's whole text.
      boolean appended =
          p.baseSize() > 0
              ? v.length >= p.baseSize()
                  && TextFiles.sha256(Arrays.copyOf(v, (int) p.baseSize())).equals(p.baseSha())
              : !wholeText(c, v);
      if (appended) {
        byte[] tail = Arrays.copyOfRange(v, (int) p.baseSize(), v.length);
        next = Arrays.copyOf(c, c.length + tail.length);
        System.arraycopy(tail, 0, next, c.length, tail.length);
        note = Op.tail(new String(tail, StandardCharsets.UTF_8)).toJson();
      } else if (cSha.equals(lastWrote) && redoable(ps, p)) {
        next = redo(label, display, v, ps, p.seq());
      } else {
        conflict(p, display, "the block was saved again meanwhile (or rewritten by another save)");
        return;
      }
      if (Arrays.equals(next, c) || AtomicFiles.compareAndSwap(file, c, next, note)) {
        lastSeen.put(label, next.length);
        Asides.save(Asides.rebase(p, v));
        LOG.log(
            System.Logger.Level.DEBUG,
            display + ": merged a save that reached it while the agent edited it");
        return;
      }
      ps = Asides.of(file);
    }
  }

  /**
   * Whether {@code v}, written to a file that held nothing, is an editor's whole text rather than
   * an appended fragment: it starts as the block {@code current} does, or with a front matter.
   */
  private static boolean wholeText(byte[] current, byte[] v) {
    if (AtomicFiles.startsAsWhole(current, v)) {
      return true;
    }
    String head = new String(v, 0, Math.min(v.length, 64 * 1024), StandardCharsets.UTF_8);
    List<String> lines = head.lines().toList();
    return lines.size() > 1
        && lines.get(0).strip().equals("---")
        && lines.stream().skip(1).anyMatch(l -> l.strip().equals("---"));
  }

  /**
   * Whether every write since {@code p}'s swap can be redone: a merged rewrite of a person's
   * cannot, and redoing the others on {@code p}'s text would silently drop it.
   */
  private static boolean redoable(List<Asides.Pending> ps, Asides.Pending p) {
    return ps.stream()
        .filter(q -> q.seq() >= p.seq() && !q.wroteSha().isEmpty())
        .allMatch(q -> Op.fromJson(q.note()).isPresent());
  }

  /** The person's text with each edit since swap {@code from} redone, or as is if one cannot be. */
  private byte[] redo(String label, String display, byte[] v, List<Asides.Pending> ps, long from) {
    try {
      Block b = BlockFile.parse(label, TextFiles.decode(v, display), display, new ArrayList<>());
      for (Asides.Pending q : ps) {
        if (q.seq() < from) {
          continue;
        }
        Optional<Op> op = Op.fromJson(q.note());
        if (op.isPresent()) {
          b = b.withValue(op.get().apply(b, true, display));
          checkLimit(b, b.value());
        }
      }
      return b.render().getBytes(StandardCharsets.UTF_8);
    } catch (EditException | FormatException e) {
      notice(
          display
              + ": a person's save reached it while the agent edited it; the agent's edit could not"
              + " be redone on it, so the person's text was kept ("
              + e.getMessage()
              + ")");
      return v;
    } catch (MemdirException e) {
      notice(display + ": kept a person's late save as is (" + e.getMessage() + ")");
      return v;
    }
  }

  private static String tooLarge(Asides.TooLargeException e) {
    String m = e.getMessage();
    return "it is too large to merge (" + m.substring(m.lastIndexOf(": ") + 2) + ")";
  }

  private void conflict(Asides.Pending p, String display, String why) throws IOException {
    Asides.markConflict(p);
    notice(
        display
            + ": a person's save reached an old copy while the agent edited it and "
            + why
            + "; it is kept in "
            + layout.display(p.aside())
            + " to merge by hand");
  }

  private void notice(String text) {
    LOG.log(System.Logger.Level.WARNING, text);
    synchronized (notices) {
      notices.add(text);
    }
  }

  /** Deletes temporary files that memdir once wrote beside blocks and a crash left. */
  private void cleanLegacyTemps() {
    Path dir = layout.memoryDir();
    if (!Files.isDirectory(dir)) {
      return;
    }
    long now = System.currentTimeMillis();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path p : ds) {
        if (now - Files.getLastModifiedTime(p).toMillis() > LEGACY_TEMP_MILLIS) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      // Hidden debris; the next open tries again.
    }
  }

  /** The label of a block file, or its raw path when that is no valid label (for messages). */
  private String labelOf(Path file) {
    String rel =
        layout
            .memoryDir()
            .toAbsolutePath()
            .normalize()
            .relativize(file.toAbsolutePath().normalize())
            .toString()
            .replace('\\', '/');
    return rel.endsWith(".md") ? rel.substring(0, rel.length() - 3) : rel;
  }

  private void createParents(Path file) {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new MemdirException(
          "cannot create " + layout.display(file.getParent()) + ": " + e.getMessage(), e);
    }
  }

  /** Removes the folders a deleted nested block leaves empty, up to (not including) memory/. */
  private void deleteEmptyParents(Path file) {
    Path memoryDir = layout.memoryDir().toAbsolutePath().normalize();
    for (Path d = file.toAbsolutePath().normalize().getParent();
        d != null && d.startsWith(memoryDir) && !d.equals(memoryDir);
        d = d.getParent()) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
        if (ds.iterator().hasNext()) {
          return;
        }
      } catch (IOException e) {
        return;
      }
      try {
        Files.delete(d);
      } catch (IOException e) {
        return; // someone wrote into it meanwhile: keep it
      }
    }
  }

  private static void checkLimit(Block b, String value) {
    checkLimit(b.label(), b.limit(), value);
  }

  /**
   * Refuses {@code value} for block {@code label} when it is over {@code limit} chars (code
   * points).
   *
   * @throws EditException naming the block, the length and the limit
   */
  public static void checkLimit(String label, int limit, String value) {
    int chars = TextFiles.codePoints(value);
    if (chars > limit) {
      throw new EditException(
          "edit refused: block '"
              + label
              + "' would hold "
              + chars
              + " / "
              + limit
              + " chars, over its limit by "
              + (chars - limit)
              + "; shorten the text or rethink the block");
    }
  }

  /**
   * The file's bytes once it looks settled. An empty file that memdir last saw non-empty, or a
   * smaller one still changing, is an editor half-way through a save: wait (up to a second) for it.
   * Correctness does not rest on this wait: a write that lands after the swap reaches the old file,
   * which {@link #reconcile} merges.
   */
  private byte[] readSettled(Path file, String label) {
    byte[] bytes = readBytesOrMissing(file, label);
    Integer last = lastSeen.get(label);
    long deadline = System.nanoTime() + EMPTY_WAIT_MILLIS * 1_000_000;
    boolean changing = true;
    while (System.nanoTime() < deadline) {
      boolean empty = bytes.length == 0 && (last == null || last > 0);
      boolean shrunk = last != null && bytes.length < last && changing;
      if (!empty && !shrunk) {
        break;
      }
      sleep(empty ? 2 : 5);
      byte[] again = readBytesOrMissing(file, label);
      changing = !Arrays.equals(again, bytes);
      bytes = again;
    }
    for (int i = 0; i < 5 && bytes.length > 0 && AtomicFiles.mayBeMidWrite(bytes); i++) {
      AtomicFiles.settle();
      byte[] again = readBytesOrMissing(file, label);
      if (Arrays.equals(again, bytes)) {
        break;
      }
      bytes = again;
    }
    lastSeen.put(label, bytes.length);
    return bytes;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MemdirException("interrupted while waiting for a block file to settle", e);
    }
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
    String label = labelOf(file);
    return TextFiles.decode(readBytesOrMissing(file, label), display);
  }

  private Path fileOf(String label) {
    try {
      return BlockPath.fileOf(layout.memoryDir(), label);
    } catch (IllegalArgumentException e) {
      throw new EditException(e.getMessage());
    }
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
    return BlockPath.list(layout, problems);
  }
}
