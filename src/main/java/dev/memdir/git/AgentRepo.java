package dev.memdir.git;

import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Layout;
import dev.memdir.memory.Actor;
import dev.memdir.memory.BlockPath;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.HistogramDiff;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.AbstractTreeIterator;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The git repository an agent directory lives in, which may be the agent's own or a larger one:
 * every commit made here holds only the agent's paths (the repository's other paths keep their HEAD
 * contents, and what a person staged outside the agent stays staged).
 *
 * <p>Commit messages say what changed and who changed it:
 *
 * <pre>
 * memory: human +1 line; history: +4 records (memory_insert)
 *
 * Memdir-Actor: agent
 * </pre>
 */
public final class AgentRepo implements AutoCloseable {
  /** The trailer naming who made a commit: {@code agent} or {@code person}. */
  public static final String ACTOR_TRAILER = "Memdir-Actor: ";

  /** What {@code init --git} writes to the agent's .gitattributes. */
  static final String GITATTRIBUTES =
      "# memdir: history merges as the union of both sides (readers sort and deduplicate);\n"
          + "# memory blocks merge line by line, both sides kept on a conflict (memdir sync).\n"
          + "history/*.jsonl merge=union\n"
          + "memory/*.md merge=memdir\n"
          + "memory/**/*.md merge=memdir\n";

  /** The merge driver of memory blocks (and other text files), named in .gitattributes. */
  static final String DRIVER = "memdir";

  /** The merge driver of history segments, named in .git/info/attributes. */
  static final String HISTORY_DRIVER = "memdir-history";

  private static final System.Logger LOG = System.getLogger(AgentRepo.class.getName());

  static final PersonIdent AGENT_NAME = new PersonIdent("memdir agent", "agent@memdir.invalid");

  private final Repository repo;
  private final Git git;
  private final Layout layout;
  private final String prefix;
  private final Clock clock;

  private AgentRepo(Repository repo, Layout layout, Clock clock) {
    this.repo = repo;
    this.git = new Git(repo);
    this.layout = layout;
    this.clock = clock;
    try {
      Path work = repo.getWorkTree().toPath().toRealPath();
      Path dir = layout.root().toRealPath();
      String rel = work.relativize(dir).toString().replace(File.separatorChar, '/');
      this.prefix = rel.isEmpty() ? "" : rel + "/";
    } catch (IOException e) {
      repo.close();
      throw new MemdirException("cannot resolve " + layout.root() + ": " + e.getMessage(), e);
    }
  }

  /** The repository that holds {@code layout}'s directory, found by walking up from it. */
  public static Optional<AgentRepo> find(Layout layout, Clock clock) {
    FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(layout.root().toFile());
    if (b.getGitDir() == null) {
      return Optional.empty();
    }
    try {
      Repository r = b.setMustExist(true).build();
      if (r.isBare()) {
        r.close();
        return Optional.empty();
      }
      AgentRepo found = new AgentRepo(r, layout, clock);
      if (Files.isRegularFile(layout.root().resolve(".gitattributes"))) {
        found.configureDriver(); // a fresh clone: plain git merge must find the drivers
      }
      return Optional.of(found);
    } catch (IOException e) {
      throw new MemdirException("cannot open the git repository of " + layout.root(), e);
    }
  }

  /** The repository holding {@code layout}'s directory; fails when there is none. */
  public static AgentRepo open(Layout layout, Clock clock) {
    return find(layout, clock)
        .orElseThrow(
            () ->
                new MemdirException(
                    layout.root()
                        + " is not in a git repository (memdir init DIR --git, or git init)"));
  }

  /**
   * Makes the agent versioned: a new repository in its directory unless one already holds it,
   * {@code .gitattributes}, the memory merge driver in the repository's config, and a first commit
   * of the agent's files.
   */
  public static AgentRepo init(Layout layout, Clock clock) {
    Optional<AgentRepo> found = find(layout, clock);
    AgentRepo r;
    if (found.isPresent()) {
      r = found.get();
    } else {
      try {
        Git.init().setDirectory(layout.root().toFile()).setInitialBranch("main").call().close();
      } catch (GitAPIException e) {
        throw new MemdirException("cannot create a git repository in " + layout.root(), e);
      }
      r = open(layout, clock);
    }
    r.writeAttributes();
    r.enableAutocommit();
    r.configureDriver(true);
    r.commit(Actor.PERSON, List.of("init: agent " + layout.root().getFileName()), "");
    return r;
  }

  /** The agent's path inside the repository, empty or ending in {@code /}. */
  public String prefix() {
    return prefix;
  }

  Repository repository() {
    return repo;
  }

  Git git() {
    return git;
  }

  Layout layout() {
    return layout;
  }

  Clock clock() {
    return clock;
  }

  void writeAttributes() {
    Path f = layout.root().resolve(".gitattributes");
    try {
      String old = Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
      if (!old.contains("history/*.jsonl merge=union")) {
        AtomicFiles.write(
            f,
            old.isEmpty() || old.endsWith("\n") ? old + GITATTRIBUTES : old + "\n" + GITATTRIBUTES);
      }
    } catch (IOException e) {
      throw new MemdirException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /** Adds {@code git: autocommit: true} to agent.yaml unless it has a {@code git} key. */
  void enableAutocommit() {
    Path f = layout.agentYaml();
    try {
      String yaml = Files.readString(f, StandardCharsets.UTF_8);
      if (!yaml.lines().anyMatch(l -> l.startsWith("git:"))) {
        String sep = yaml.isEmpty() || yaml.endsWith("\n") ? "" : "\n";
        AtomicFiles.write(
            f,
            yaml + sep + "git:\n  autocommit: true           # commit after each turn and write\n");
      }
    } catch (IOException e) {
      throw new MemdirException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sets up plain {@code git merge} in this clone, unless it is already: the {@code memdir} driver
   * (memory blocks keep both sides of a conflict) and the {@code memdir-history} driver (history as
   * the union of records in time order, each once) in {@code .git/config}, and a line in {@code
   * .git/info/attributes} that points the agent's history at the latter (the committed {@code
   * .gitattributes} says {@code merge=union}, git's own driver, for clones where memdir never ran).
   * Each driver falls back to git's own merge when memdir cannot be started. A setting a person
   * changed is left as it is. Costs a read of the config and of one small file when all is set.
   */
  void configureDriver() {
    configureDriver(false);
  }

  /** As {@link #configureDriver()}; with {@code strict} a config that cannot be written throws. */
  private void configureDriver(boolean strict) {
    try {
      StoredConfig c = repo.getConfig();
      boolean changed = false;
      String launch = launchCommand();
      String had = c.getString("merge", DRIVER, "driver");
      if (had == null || had.equals("memdir merge-file %O %A %B %P")) { // null, or as 0.x wrote it
        c.setString("merge", DRIVER, "name", "memdir: memory blocks keep both sides of a conflict");
        c.setString(
            "merge",
            DRIVER,
            "driver",
            launch
                + " merge-file %O %A %B %P || git merge-file -L ours -L base -L theirs %A %O %B");
        changed = true;
      }
      if (c.getString("merge", HISTORY_DRIVER, "driver") == null) {
        c.setString(
            "merge",
            HISTORY_DRIVER,
            "name",
            "memdir: history records of both sides, in time order");
        c.setString(
            "merge",
            HISTORY_DRIVER,
            "driver",
            launch + " merge-file %O %A %B %P || git merge-file --union %A %O %B");
        changed = true;
      }
      if (changed) {
        c.save();
      }
      writeInfoAttributes();
    } catch (IOException | RuntimeException e) {
      if (strict) {
        throw new MemdirException(
            "cannot set up the merge drivers in " + repo.getDirectory() + ": " + e.getMessage(), e);
      }
      LOG.log(
          System.Logger.Level.WARNING,
          "git: cannot set up memdir's merge drivers in "
              + repo.getDirectory()
              + " ("
              + e.getMessage()
              + "); plain git merge uses git's own drivers");
    }
  }

  /** The line of {@code .git/info/attributes} that sends the agent's history to memdir's driver. */
  String infoAttributesLine() {
    return prefix + "history/*.jsonl merge=" + HISTORY_DRIVER;
  }

  private void writeInfoAttributes() throws IOException {
    if (prefix.chars().anyMatch(ch -> ch <= ' ' || ch == '"' || ch == '\\')) {
      return; // a pattern with spaces needs quoting older gits do not read; union stays
    }
    Path f = repo.getDirectory().toPath().resolve("info").resolve("attributes");
    String old = Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    String line = infoAttributesLine();
    if (old.lines().anyMatch(l -> l.strip().equals(line))) {
      return;
    }
    String add =
        "# memdir: this clone merges the agent's history with memdir's driver (see .git/config)\n"
            + line
            + "\n";
    AtomicFiles.write(f, old.isEmpty() || old.endsWith("\n") ? old + add : old + "\n" + add);
  }

  /** Tests point the drivers at their own class path; null: found as below. */
  static volatile String launchOverride;

  /**
   * How git starts this memdir: the launcher or jar it runs from when it is one ({@code java -jar}
   * or {@code target/memdir}), else {@code memdir} from {@code PATH}.
   */
  static String launchCommand() {
    String o = launchOverride;
    if (o != null) {
      return o;
    }
    String cp = System.getProperty("java.class.path", "");
    if (!cp.isEmpty() && !cp.contains(File.pathSeparator)) {
      Path jar = Path.of(cp).toAbsolutePath();
      try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
        var m = j.getManifest();
        if (m != null
            && "dev.memdir.cli.Main".equals(m.getMainAttributes().getValue("Main-Class"))) {
          boolean launcher;
          try (var in = Files.newInputStream(jar)) {
            byte[] two = in.readNBytes(2);
            launcher = two.length == 2 && two[0] == '#' && two[1] == '!';
          }
          return launcher && Files.isExecutable(jar)
              ? shellQuote(jar.toString())
              : "java -jar " + shellQuote(jar.toString());
        }
      } catch (IOException | RuntimeException e) {
        // Not a jar: a class folder (tests, an IDE).
      }
    }
    return "memdir";
  }

  static String shellQuote(String s) {
    return s.matches("[A-Za-z0-9_./:=+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  /**
   * Commits what a person changed in the agent's files since the last commit, as the person's own
   * commit; nothing when nothing changed.
   */
  public Optional<ObjectId> commitPending() {
    return commit(Actor.PERSON, List.of(), "");
  }

  /**
   * Commits the agent's files as they are, by {@code actor}; the message lists what changed, then
   * {@code cause} (a tool or command) in parentheses. Nothing when nothing changed.
   */
  public Optional<ObjectId> commitChanges(Actor actor, String cause) {
    return commit(actor, List.of(), cause);
  }

  Optional<ObjectId> commit(Actor actor, List<String> subject, String cause) {
    try {
      stage();
      ObjectId head = repo.resolve(Constants.HEAD);
      RevCommit headCommit = head == null ? null : parse(head);
      DirCache tree = treeOf(headCommit);
      try (ObjectInserter ins = repo.newObjectInserter()) {
        ObjectId treeId = tree.writeTree(ins);
        if (headCommit != null && headCommit.getTree().equals(treeId)) {
          return Optional.empty();
        }
        ChangeSummary summary = summarize(headCommit == null ? null : headCommit.getTree(), treeId);
        List<String> lines = new ArrayList<>(subject.isEmpty() ? summary.lines() : subject);
        if (lines.isEmpty()) {
          lines.add("files changed");
        }
        String title =
            (actor == Actor.PERSON && subject.isEmpty() && cause.isEmpty() ? "person edit: " : "")
                + String.join("; ", lines)
                + (cause.isEmpty() ? "" : " (" + cause + ")");
        PersonIdent who = ident(actor);
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(treeId);
        if (head != null) {
          cb.setParentId(head);
        }
        cb.setAuthor(who);
        cb.setCommitter(who);
        cb.setMessage(title + "\n\n" + ACTOR_TRAILER + actor.name().toLowerCase() + "\n");
        ObjectId id = ins.insert(cb);
        ins.flush();
        moveHead(head, id, title);
        return Optional.of(id);
      }
    } catch (IOException | GitAPIException e) {
      throw new MemdirException("git: cannot commit " + layout.root() + ": " + e.getMessage(), e);
    }
  }

  private void moveHead(ObjectId old, ObjectId id, String title) throws IOException {
    RefUpdate ru = repo.updateRef(Constants.HEAD);
    ru.setNewObjectId(id);
    ru.setExpectedOldObjectId(old == null ? ObjectId.zeroId() : old);
    ru.setRefLogMessage("commit: " + title, false);
    RefUpdate.Result r = ru.update();
    if (r != RefUpdate.Result.NEW
        && r != RefUpdate.Result.FAST_FORWARD
        && r != RefUpdate.Result.FORCED) {
      throw new MemdirException("git: cannot move HEAD to the new commit: " + r);
    }
  }

  PersonIdent ident(Actor actor) {
    java.time.Instant now = clock.instant();
    if (actor == Actor.AGENT) {
      return new PersonIdent(
          AGENT_NAME.getName(), AGENT_NAME.getEmailAddress(), now, ZoneOffset.UTC);
    }
    String name = repo.getConfig().getString("user", null, "name");
    String email = repo.getConfig().getString("user", null, "email");
    return new PersonIdent(
        name == null ? "person" : name,
        email == null ? "person@memdir.invalid" : email,
        now,
        ZoneOffset.UTC);
  }

  /** Adds the agent's files to the index (deletions too); never {@code .memdir/}. */
  private void stage() throws GitAPIException, IOException {
    String pattern = prefix.isEmpty() ? "." : prefix.substring(0, prefix.length() - 1);
    git.add().addFilepattern(pattern).call();
    git.add().addFilepattern(pattern).setUpdate(true).call();
    DirCache dc = repo.lockDirCache();
    try {
      DirCacheBuilder b = dc.builder();
      boolean dropped = false;
      for (int i = 0; i < dc.getEntryCount(); i++) {
        DirCacheEntry e = dc.getEntry(i);
        if (e.getPathString().startsWith(prefix + ".memdir/")) {
          dropped = true;
        } else {
          b.add(e);
        }
      }
      if (dropped) {
        b.commit();
      }
    } finally {
      dc.unlock();
    }
  }

  /** HEAD's tree with the agent's paths taken from the index. */
  private DirCache treeOf(RevCommit head) throws IOException {
    DirCache index = repo.readDirCache();
    DirCache out = DirCache.newInCore();
    DirCacheBuilder b = out.builder();
    if (head != null) {
      try (TreeWalk tw = new TreeWalk(repo)) {
        tw.addTree(head.getTree());
        tw.setRecursive(true);
        while (tw.next()) {
          if (!mine(tw.getPathString())) {
            DirCacheEntry e = new DirCacheEntry(tw.getPathString());
            e.setFileMode(tw.getFileMode(0));
            e.setObjectId(tw.getObjectId(0));
            b.add(e);
          }
        }
      }
    }
    for (int i = 0; i < index.getEntryCount(); i++) {
      DirCacheEntry e = index.getEntry(i);
      if (mine(e.getPathString()) && e.getStage() == DirCacheEntry.STAGE_0) {
        b.add(e);
      }
    }
    b.finish();
    return out;
  }

  boolean mine(String path) {
    return path.startsWith(prefix) && !path.startsWith(prefix + ".memdir/");
  }

  RevCommit parse(ObjectId id) throws IOException {
    try (RevWalk w = new RevWalk(repo)) {
      return w.parseCommit(id);
    }
  }

  /** What changed in the agent's paths between two trees ({@code from} may be null: empty). */
  ChangeSummary summarize(ObjectId from, ObjectId to) throws IOException {
    ChangeSummary s = new ChangeSummary();
    for (DiffEntry d : diff(from, to)) {
      String path =
          (d.getChangeType() == DiffEntry.ChangeType.DELETE ? d.getOldPath() : d.getNewPath());
      String rel = path.substring(prefix.length());
      if (BlockPath.labelOfRelative(rel).isPresent()) {
        String label = BlockPath.labelOfRelative(rel).get();
        RawText a = text(d.getOldId().toObjectId());
        RawText b = text(d.getNewId().toObjectId());
        int[] counts = lineCounts(a, b);
        s.block(label, counts[0], counts[1]);
      } else if (rel.startsWith("archival/") && rel.endsWith(".md")) {
        switch (d.getChangeType()) {
          case ADD -> s.fact(true);
          case DELETE -> s.fact(false);
          default -> s.other(rel);
        }
      } else if (rel.startsWith("history/") && rel.endsWith(".jsonl")) {
        int added = text(d.getNewId().toObjectId()).size() - text(d.getOldId().toObjectId()).size();
        if (added > 0) {
          s.records(added);
        } else {
          s.other(rel);
        }
      } else {
        s.other(rel);
      }
    }
    return s;
  }

  List<DiffEntry> diff(ObjectId from, ObjectId to) throws IOException {
    try (TreeWalk tw = new TreeWalk(repo)) {
      tw.addTree(iterator(from));
      tw.addTree(iterator(to));
      tw.setRecursive(true);
      if (!prefix.isEmpty()) {
        tw.setFilter(PathFilter.create(prefix.substring(0, prefix.length() - 1)));
      }
      List<DiffEntry> out = new ArrayList<>();
      for (DiffEntry d : DiffEntry.scan(tw)) {
        String p =
            d.getChangeType() == DiffEntry.ChangeType.DELETE ? d.getOldPath() : d.getNewPath();
        if (mine(p)) {
          out.add(d);
        }
      }
      return out;
    }
  }

  private AbstractTreeIterator iterator(ObjectId tree) throws IOException {
    if (tree == null) {
      return new EmptyTreeIterator();
    }
    CanonicalTreeParser p = new CanonicalTreeParser();
    try (var reader = repo.newObjectReader()) {
      p.reset(reader, tree);
    }
    return p;
  }

  RawText text(ObjectId blob) throws IOException {
    if (blob == null || blob.equals(ObjectId.zeroId())) {
      return new RawText(new byte[0]);
    }
    return new RawText(repo.open(blob, Constants.OBJ_BLOB).getBytes());
  }

  static int[] lineCounts(RawText a, RawText b) {
    int added = 0;
    int removed = 0;
    for (var e : new HistogramDiff().diff(RawTextComparator.DEFAULT, a, b)) {
      added += e.getLengthB();
      removed += e.getLengthA();
    }
    return new int[] {added, removed};
  }

  @Override
  public void close() {
    git.close();
    repo.close();
  }
}
