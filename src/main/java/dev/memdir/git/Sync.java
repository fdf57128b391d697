package dev.memdir.git;

import dev.memdir.MemdirException;
import dev.memdir.memory.Actor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * {@code memdir sync}: commits pending edits, fetches the remote's branch, merges it so that no
 * history record and no side of a memory block is lost, and pushes. It never force-pushes; before a
 * merge commit it records the local branch under {@code refs/memdir/backup/TIME}.
 */
public final class Sync {
  /** How a sync ended. */
  public enum Outcome {
    UP_TO_DATE,
    PUSHED,
    FAST_FORWARDED,
    MERGED_AND_PUSHED,
    CONFLICT_NOT_MERGED,
    PUSH_REJECTED
  }

  /**
   * What a sync did.
   *
   * @param outcome how it ended
   * @param lines what to tell the person, one line each
   * @param backupRef the backup of the local branch made before merging, or empty
   */
  public record Report(Outcome outcome, List<String> lines, String backupRef) {
    /** Copies. */
    public Report {
      Objects.requireNonNull(outcome, "outcome");
      lines = List.copyOf(lines);
      Objects.requireNonNull(backupRef, "backupRef");
    }

    /** True when the local branch and the remote now agree. */
    public boolean ok() {
      return outcome != Outcome.CONFLICT_NOT_MERGED && outcome != Outcome.PUSH_REJECTED;
    }
  }

  /** How many times a push the remote refused because it moved on is fetched and merged again. */
  static final int MAX_ATTEMPTS = 3;

  private final AgentRepo agent;
  private final Repository repo;
  private boolean raced;

  /** A sync of {@code agent}'s repository. */
  public Sync(AgentRepo agent) {
    this.agent = agent;
    this.repo = agent.repository();
  }

  /**
   * Syncs the current branch with the same branch of {@code remote} (a remote's name or a URL).
   *
   * @param onConflict {@code keep-both}, {@code ours}, {@code theirs} or {@code fail}
   */
  public Report run(String remote, String onConflict) {
    BlockMerge.OnConflict policy;
    try {
      policy = BlockMerge.OnConflict.parse(onConflict);
    } catch (IllegalArgumentException e) {
      throw new MemdirException(
          "--on-conflict must be keep-both, ours, theirs or fail, got \"" + onConflict + "\"");
    }
    try {
      String branch = repo.getFullBranch();
      if (branch == null || !branch.startsWith(Constants.R_HEADS)) {
        throw new MemdirException(
            "git: HEAD is detached (at " + branch + "); check out a branch to sync");
      }
      if (!remote.contains(":")
          && !remote.contains("/")
          && repo.getConfig().getString("remote", remote, "url") == null) {
        throw new MemdirException(
            "git: no remote named '"
                + remote
                + "'; add one (git remote add "
                + remote
                + " URL) or give a URL");
      }
      agent.commitPending();
      List<String> earlier = new ArrayList<>();
      String firstBackup = "";
      for (int attempt = 1; ; attempt++) {
        raced = false;
        Report r = once(remote, branch, policy);
        firstBackup = firstBackup.isEmpty() ? r.backupRef() : firstBackup;
        if (!raced || attempt == MAX_ATTEMPTS) {
          List<String> lines = new ArrayList<>(earlier);
          lines.addAll(r.lines());
          if (raced) {
            lines.add(
                "gave up after "
                    + MAX_ATTEMPTS
                    + " attempts: "
                    + remote
                    + " keeps moving on; run memdir sync again");
          }
          return new Report(r.outcome(), lines, firstBackup);
        }
        earlier.addAll(r.lines());
        earlier.add(
            "fetching "
                + remote
                + " and merging again (attempt "
                + (attempt + 1)
                + " of "
                + MAX_ATTEMPTS
                + ")");
      }
    } catch (IOException | GitAPIException e) {
      throw new MemdirException("git: sync with " + remote + " failed: " + e.getMessage(), e);
    }
  }

  /** One fetch, merge and push. */
  private Report once(String remote, String branch, BlockMerge.OnConflict policy)
      throws IOException, GitAPIException {
    {
      String space = "refs/memdir/remote/" + remote.replaceAll("[^A-Za-z0-9._-]", "_") + "/";
      String tracking = space + Repository.shortenRefName(branch);
      agent
          .git()
          .fetch()
          .setRemote(remote)
          .setRefSpecs(new RefSpec("+refs/heads/*:" + space + "*"))
          .call();
      ObjectId ours = repo.resolve(Constants.HEAD);
      ObjectId theirs = repo.resolve(tracking);
      if (theirs == null) {
        return push(remote, branch, Outcome.PUSHED, new ArrayList<>(), "");
      }
      try (RevWalk w = new RevWalk(repo)) {
        RevCommit o = w.parseCommit(ours);
        RevCommit t = w.parseCommit(theirs);
        if (o.equals(t)) {
          return new Report(Outcome.UP_TO_DATE, List.of("up to date with " + remote), "");
        }
        if (w.isMergedInto(t, o)) {
          return push(remote, branch, Outcome.PUSHED, new ArrayList<>(), "");
        }
        if (w.isMergedInto(o, t)) {
          checkout(o, t);
          return new Report(
              Outcome.FAST_FORWARDED,
              List.of("fast-forwarded to " + remote + " (" + t.abbreviate(7).name() + ")"),
              "");
        }
        w.reset();
        w.setRevFilter(RevFilter.MERGE_BASE);
        w.markStart(w.parseCommit(ours));
        w.markStart(w.parseCommit(theirs));
        RevCommit base = w.next();
        return merge(remote, branch, base, o, t, policy);
      }
    }
  }

  private Report merge(
      String remote,
      String branch,
      RevCommit base,
      RevCommit ours,
      RevCommit theirs,
      BlockMerge.OnConflict policy)
      throws IOException, GitAPIException {
    Map<String, ObjectId[]> paths = new LinkedHashMap<>();
    Map<String, FileMode> modes = new LinkedHashMap<>();
    try (TreeWalk tw = new TreeWalk(repo)) {
      tw.addTree(base == null ? new org.eclipse.jgit.treewalk.EmptyTreeIterator() : iter(base));
      tw.addTree(ours.getTree());
      tw.addTree(theirs.getTree());
      tw.setRecursive(true);
      while (tw.next()) {
        paths.put(
            tw.getPathString(),
            new ObjectId[] {
              id(tw, 0), id(tw, 1), id(tw, 2),
            });
        // Our mode (executable, symlink) unless only their side has the file.
        modes.put(
            tw.getPathString(),
            tw.getFileMode(1) == FileMode.MISSING ? tw.getFileMode(2) : tw.getFileMode(1));
      }
    }
    DirCache merged = DirCache.newInCore();
    DirCacheBuilder b = merged.builder();
    List<String> lines = new ArrayList<>();
    List<String> conflicted = new ArrayList<>();
    int recordsBefore = 0;
    int recordsAfter = 0;
    String theirsName = remote + "/" + Repository.shortenRefName(branch);
    try (ObjectInserter ins = repo.newObjectInserter()) {
      for (Map.Entry<String, ObjectId[]> e : paths.entrySet()) {
        String path = e.getKey();
        ObjectId bs = e.getValue()[0];
        ObjectId os = e.getValue()[1];
        ObjectId ts = e.getValue()[2];
        ObjectId result;
        if (Objects.equals(os, ts) || Objects.equals(bs, ts)) {
          result = os;
        } else if (Objects.equals(bs, os)) {
          result = ts;
        } else if (os == null || ts == null) {
          // One side deleted what the other changed: keep the changed file, lose nothing.
          result = os == null ? ts : os;
          lines.add(path + ": deleted on one side, changed on the other; the changed file is kept");
        } else if (isHistory(path)) {
          String o = string(os);
          String t = string(ts);
          String m = HistoryMerge.merge(o, t);
          recordsBefore += HistoryMerge.records(o) + HistoryMerge.records(t);
          recordsAfter += HistoryMerge.records(m);
          result = ins.insert(Constants.OBJ_BLOB, m.getBytes(StandardCharsets.UTF_8));
        } else {
          BlockMerge.Result r =
              BlockMerge.merge(string(bs), string(os), string(ts), policy, theirsName);
          if (r.conflicts() > 0) {
            conflicted.add(path);
          }
          result = ins.insert(Constants.OBJ_BLOB, r.text().getBytes(StandardCharsets.UTF_8));
        }
        if (result != null) {
          DirCacheEntry d = new DirCacheEntry(path);
          FileMode mode = modes.get(path);
          d.setFileMode(mode == FileMode.MISSING ? FileMode.REGULAR_FILE : mode);
          d.setObjectId(result);
          b.add(d);
        }
      }
      b.finish();
      if (!conflicted.isEmpty() && policy == BlockMerge.OnConflict.FAIL) {
        List<String> out = new ArrayList<>();
        out.add(
            "not merged: both sides changed the same lines of " + String.join(", ", conflicted));
        out.add("nothing was changed; choose --on-conflict keep-both, ours or theirs");
        return new Report(Outcome.CONFLICT_NOT_MERGED, out, "");
      }
      String backup = backup(ours);
      ObjectId tree = merged.writeTree(ins);
      CommitBuilder cb = new CommitBuilder();
      cb.setTreeId(tree);
      cb.setParentIds(ours, theirs);
      var who = agent.ident(Actor.PERSON);
      cb.setAuthor(who);
      cb.setCommitter(who);
      String title =
          "merge "
              + theirsName
              + (conflicted.isEmpty()
                  ? ""
                  : ": both sides kept ("
                      + policy.name().toLowerCase().replace('_', '-')
                      + ") in "
                      + String.join(", ", conflicted));
      cb.setMessage(title + "\n\n" + AgentRepo.ACTOR_TRAILER + "person\n");
      ObjectId commit = ins.insert(cb);
      ins.flush();
      RevCommit mergedCommit = agent.parse(commit);
      checkout(ours, mergedCommit);
      if (recordsBefore > 0) {
        lines.add(
            "history: "
                + recordsAfter
                + " records kept from "
                + recordsBefore
                + " on both sides (shared ones counted once)");
      }
      for (String c : conflicted) {
        lines.add(c + ": both sides changed the same lines; " + describe(policy));
      }
      lines.add(0, "merged " + theirsName + " (backup of the local branch: " + backup + ")");
      return push(remote, branch, Outcome.MERGED_AND_PUSHED, lines, backup);
    }
  }

  private static String describe(BlockMerge.OnConflict p) {
    return switch (p) {
      case KEEP_BOTH -> "both texts kept between marker lines (memdir validate lists them)";
      case OURS -> "ours kept";
      case THEIRS -> "theirs kept";
      case FAIL -> "not merged";
    };
  }

  private String backup(RevCommit ours) throws IOException {
    String name =
        "refs/memdir/backup/"
            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(agent.clock().instant());
    String ref = name;
    for (int i = 2; repo.exactRef(ref) != null; i++) {
      ref = name + "-" + i;
    }
    RefUpdate ru = repo.updateRef(ref);
    ru.setNewObjectId(ours);
    ru.setExpectedOldObjectId(ObjectId.zeroId());
    RefUpdate.Result r = ru.update();
    if (r != RefUpdate.Result.NEW) {
      throw new MemdirException("git: cannot write the backup ref " + ref + ": " + r);
    }
    return ref;
  }

  /** Moves the working tree, index and branch from {@code from} to {@code to}. */
  private void checkout(RevCommit from, RevCommit to) throws IOException {
    DirCache dc = repo.lockDirCache();
    try {
      DirCacheCheckout co = new DirCacheCheckout(repo, from.getTree(), dc, to.getTree());
      co.setFailOnConflict(true);
      co.checkout();
    } finally {
      dc.unlock();
    }
    RefUpdate ru = repo.updateRef(Constants.HEAD);
    ru.setNewObjectId(to);
    ru.setExpectedOldObjectId(from);
    ru.setRefLogMessage("memdir sync: " + to.getShortMessage(), false);
    RefUpdate.Result r = ru.update();
    if (r != RefUpdate.Result.FAST_FORWARD && r != RefUpdate.Result.FORCED) {
      throw new MemdirException("git: cannot move HEAD to " + to.name() + ": " + r);
    }
  }

  private Report push(
      String remote, String branch, Outcome success, List<String> lines, String backup)
      throws GitAPIException {
    var push = agent.git().push().setRemote(remote).setRefSpecs(new RefSpec(branch + ":" + branch));
    // As git does: the remote's receive-pack command, when set (JGit's push would use its own).
    String receivePack = repo.getConfig().getString("remote", remote, "receivepack");
    if (receivePack != null) {
      push.setReceivePack(receivePack);
    }
    Iterable<PushResult> results = push.setForce(false).call();
    for (PushResult pr : results) {
      for (RemoteRefUpdate u : pr.getRemoteUpdates()) {
        switch (u.getStatus()) {
          case OK, UP_TO_DATE -> {}
          case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
            raced = true;
            lines.add(
                "push rejected: "
                    + remote
                    + " moved on meanwhile (someone pushed); nothing was lost (your commits are on "
                    + Repository.shortenRefName(branch)
                    + (backup.isEmpty() ? "" : ", the branch before the merge on " + backup)
                    + ")");
            return new Report(Outcome.PUSH_REJECTED, lines, backup);
          }
          default -> {
            lines.add(
                "push rejected by "
                    + remote
                    + ": "
                    + u.getStatus()
                    + (u.getMessage() == null ? "" : " (" + u.getMessage() + ")")
                    + "; nothing was lost: your commits stay on "
                    + Repository.shortenRefName(branch)
                    + (backup.isEmpty() ? "" : ", the branch before the merge on " + backup)
                    + "; the remote is as it was");
            return new Report(Outcome.PUSH_REJECTED, lines, backup);
          }
        }
      }
    }
    lines.add("pushed " + Repository.shortenRefName(branch) + " to " + remote);
    return new Report(success, lines, backup);
  }

  private boolean isHistory(String path) {
    String p = agent.prefix();
    return path.startsWith(p + "history/") && path.endsWith(".jsonl");
  }

  private String string(ObjectId blob) throws IOException {
    if (blob == null) {
      return "";
    }
    return new String(repo.open(blob, Constants.OBJ_BLOB).getBytes(), StandardCharsets.UTF_8);
  }

  private org.eclipse.jgit.treewalk.CanonicalTreeParser iter(RevCommit c) throws IOException {
    var p = new org.eclipse.jgit.treewalk.CanonicalTreeParser();
    try (var reader = repo.newObjectReader()) {
      p.reset(reader, c.getTree());
    }
    return p;
  }

  private static ObjectId id(TreeWalk tw, int i) {
    return tw.getFileMode(i) == FileMode.MISSING ? null : tw.getObjectId(i);
  }
}
