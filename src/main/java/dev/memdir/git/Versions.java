package dev.memdir.git;

import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.memory.Actor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.HistogramDiff;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.AbstractTreeIterator;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.NotIgnoredFilter;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/** How an agent's files evolved: the log of core memory, diffs, and undoing a memory change. */
public final class Versions {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  /**
   * One commit in the log.
   *
   * @param id the abbreviated commit id
   * @param time when it was committed, UTC, to the minute
   * @param actor {@code agent} or {@code person} (commits made without memdir count as a person's)
   * @param subject the commit's first line
   * @param changes what it changed in the agent's files, one line per kind, like {@code memory:
   *     human +1 line}
   */
  public record Entry(String id, String time, String actor, String subject, List<String> changes) {
    /** Copies. */
    public Entry {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(subject, "subject");
      changes = List.copyOf(changes);
    }
  }

  private final AgentRepo agent;

  /** The versions of {@code agent}'s files. */
  public Versions(AgentRepo agent) {
    this.agent = agent;
  }

  /**
   * The commits that changed the agent's files, newest first: with {@code memoryOnly} only those
   * that changed core memory (and only the memory lines of each), with a label only that block's.
   */
  public List<Entry> log(boolean memoryOnly, Optional<String> label, int limit) {
    String path =
        label
            .map(l -> agent.prefix() + "memory/" + l + ".md")
            .orElse(memoryOnly ? agent.prefix() + "memory" : agent.prefix());
    List<Entry> out = new ArrayList<>();
    try {
      ObjectId head = agent.repository().resolve(Constants.HEAD);
      if (head == null) {
        return out;
      }
      var cmd = agent.git().log().add(head);
      if (!path.isEmpty()) {
        cmd.addPath(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
      }
      for (RevCommit c : cmd.call()) {
        if (out.size() >= limit) {
          break;
        }
        ObjectId parentTree = c.getParentCount() == 0 ? null : parentTree(c);
        List<String> changes = agent.summarize(parentTree, c.getTree()).lines();
        if (memoryOnly || label.isPresent()) {
          changes =
              changes.stream()
                  .filter(l -> l.startsWith("memory: "))
                  .filter(l -> label.isEmpty() || l.startsWith("memory: " + label.get() + " "))
                  .toList();
        }
        out.add(
            new Entry(
                c.abbreviate(7).name(),
                TIME.format(c.getCommitterIdent().getWhenAsInstant()),
                actor(c),
                c.getShortMessage(),
                changes));
      }
      return out;
    } catch (IOException | GitAPIException e) {
      throw new MemdirException("git: cannot read the log: " + e.getMessage(), e);
    }
  }

  /** A unified diff of the agent's files from {@code from} to {@code to} (revisions). */
  public String diff(String from, String to) {
    return diff(Optional.of(from), Optional.of(to));
  }

  /**
   * A unified diff of the agent's files, with git's meaning of {@code git diff [FROM [TO]]}: from
   * {@code from} (default HEAD; an empty tree in an empty repository) to {@code to}, or to the
   * working tree when {@code to} is empty. In the working tree the agent's new files count too (as
   * if {@code git add -N}), except ignored ones and {@code .memdir/}.
   */
  public String diff(Optional<String> from, Optional<String> to) {
    Repository repo = agent.repository();
    try (ObjectReader reader = repo.newObjectReader()) {
      AbstractTreeIterator a;
      if (from.isPresent()) {
        a = tree(reader, commit(from.get()));
      } else {
        ObjectId head = repo.resolve(Constants.HEAD);
        a = head == null ? new EmptyTreeIterator() : tree(reader, agent.parse(head));
      }
      AbstractTreeIterator b =
          to.isPresent() ? tree(reader, commit(to.get())) : new FileTreeIterator(repo);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DiffFormatter f = new DiffFormatter(bytes)) {
        f.setRepository(repo);
        List<TreeFilter> filters = new ArrayList<>();
        if (!agent.prefix().isEmpty()) {
          filters.add(PathFilter.create(agent.prefix().substring(0, agent.prefix().length() - 1)));
        }
        filters.add(new NotDerived(agent.prefix() + ".memdir"));
        if (to.isEmpty()) {
          filters.add(new NotIgnoredFilter(1));
        }
        f.setPathFilter(filters.size() == 1 ? filters.get(0) : AndTreeFilter.create(filters));
        for (DiffEntry d : f.scan(a, b)) {
          f.format(d);
        }
      }
      return bytes.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MemdirException("git: cannot diff: " + e.getMessage(), e);
    }
  }

  private static AbstractTreeIterator tree(ObjectReader reader, RevCommit c) throws IOException {
    CanonicalTreeParser p = new CanonicalTreeParser();
    p.reset(reader, c.getTree());
    return p;
  }

  /** Leaves out {@code .memdir/} (derived files, never committed). */
  private static final class NotDerived extends TreeFilter {
    private final String dir;

    NotDerived(String dir) {
      this.dir = dir;
    }

    @Override
    public boolean include(TreeWalk walker) {
      String p = walker.getPathString();
      return !p.equals(dir) && !p.startsWith(dir + "/");
    }

    @Override
    public boolean shouldBeRecursive() {
      return false;
    }

    @Override
    public TreeFilter clone() {
      return this;
    }
  }

  /**
   * Reverts the core-memory change of commit {@code rev} (default: the newest agent commit that
   * changed memory) as a new commit, keeping what changed since: a three-way merge of each block
   * with the commit's parent, both sides kept and marked where later edits touched the same lines.
   *
   * @return the new commit's subject
   */
  public String undo(Optional<String> rev) {
    try {
      agent.commitPending();
      RevCommit c = rev.isPresent() ? commit(rev.get()) : newestAgentMemoryCommit();
      if (c.getParentCount() == 0) {
        throw new MemdirException("git: " + c.abbreviate(7).name() + " has no parent to undo to");
      }
      ObjectId parent = parentTree(c);
      int blocks = 0;
      for (DiffEntry d : agent.diff(parent, c.getTree())) {
        String path =
            d.getChangeType() == DiffEntry.ChangeType.DELETE ? d.getOldPath() : d.getNewPath();
        String rel = path.substring(agent.prefix().length());
        if (!rel.startsWith("memory/") || !rel.endsWith(".md")) {
          continue;
        }
        blocks++;
        Path file = agent.layout().root().resolve(rel);
        String before = string(d.getOldId().toObjectId());
        String after = string(d.getNewId().toObjectId());
        String now = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        if (d.getChangeType() == DiffEntry.ChangeType.ADD && now.equals(after)) {
          Files.deleteIfExists(file);
          continue;
        }
        Optional<String> reverted = revert(before, after, now);
        String text =
            reverted.orElseGet(
                () ->
                    BlockMerge.merge(
                            after,
                            now,
                            before,
                            BlockMerge.OnConflict.KEEP_BOTH,
                            "before " + c.abbreviate(7).name())
                        .text());
        AtomicFiles.write(file, text);
      }
      if (blocks == 0) {
        throw new MemdirException("git: " + c.abbreviate(7).name() + " changed no memory block");
      }
      String cause = "undo " + c.abbreviate(7).name();
      agent.commitChanges(Actor.PERSON, cause);
      return cause + ": " + c.getShortMessage();
    } catch (IOException e) {
      throw new MemdirException("git: cannot undo: " + e.getMessage(), e);
    }
  }

  /**
   * {@code now} with each run of lines the commit wrote (before to after) put back as it was, when
   * every such run is still there unchanged; empty otherwise (a three-way merge decides then).
   */
  static Optional<String> revert(String before, String after, String now) {
    RawText a = new RawText(before.getBytes(StandardCharsets.UTF_8));
    RawText b = new RawText(after.getBytes(StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>(now.lines().toList());
    EditList edits = new HistogramDiff().diff(RawTextComparator.DEFAULT, a, b);
    for (int k = edits.size() - 1; k >= 0; k--) {
      Edit e = edits.get(k);
      List<String> written = range(b, e.getBeginB(), e.getEndB());
      List<String> old = range(a, e.getBeginA(), e.getEndA());
      int at = written.isEmpty() ? anchor(b, e, lines) : indexOf(lines, written);
      if (at < 0) {
        return Optional.empty();
      }
      lines.subList(at, at + written.size()).clear();
      lines.addAll(at, old);
    }
    return Optional.of(lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
  }

  /** Where lines removed by the commit go back: after the line that preceded them. */
  private static int anchor(RawText b, Edit e, List<String> lines) {
    if (e.getBeginB() == 0) {
      return 0;
    }
    int i = lines.indexOf(b.getString(e.getBeginB() - 1));
    return i < 0 ? -1 : i + 1;
  }

  private static List<String> range(RawText t, int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(t.getString(i));
    }
    return out;
  }

  private static int indexOf(List<String> lines, List<String> run) {
    for (int i = 0; i + run.size() <= lines.size(); i++) {
      if (lines.subList(i, i + run.size()).equals(run)) {
        return i;
      }
    }
    return -1;
  }

  private RevCommit newestAgentMemoryCommit() {
    for (Entry e : log(true, Optional.empty(), Integer.MAX_VALUE)) {
      if (e.actor().equals("agent") && !e.changes().isEmpty()) {
        return commit(e.id());
      }
    }
    throw new MemdirException("git: no agent commit changed core memory");
  }

  private RevCommit commit(String rev) {
    try {
      ObjectId id = agent.repository().resolve(rev);
      if (id == null) {
        throw new MemdirException("git: unknown revision '" + rev + "'");
      }
      return agent.parse(id);
    } catch (IOException e) {
      throw new MemdirException("git: cannot read revision '" + rev + "': " + e.getMessage(), e);
    }
  }

  private ObjectId parentTree(RevCommit c) throws IOException {
    try (RevWalk w = new RevWalk(agent.repository())) {
      return w.parseCommit(c.getParent(0)).getTree();
    }
  }

  private String string(ObjectId blob) throws IOException {
    return new String(agent.text(blob).getRawContent(), StandardCharsets.UTF_8);
  }

  static String actor(RevCommit c) {
    for (String l : c.getFullMessage().split("\n")) {
      if (l.startsWith(AgentRepo.ACTOR_TRAILER)) {
        return l.substring(AgentRepo.ACTOR_TRAILER.length()).strip();
      }
    }
    return "person";
  }
}
