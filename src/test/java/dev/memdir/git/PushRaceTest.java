package dev.memdir.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.format.Layout;
import dev.memdir.history.Record;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.Daemon;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UploadPack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote that moves on between sync's fetch and its push (someone pushed in between), and one
 * that refuses the push outright: served by a git daemon on 127.0.0.1 (JGit's), whose hooks run
 * where a real server's would.
 */
class PushRaceTest {
  @TempDir Path tmp;
  Path remote;
  Repository served;
  Daemon daemon;
  Path a;
  Path b;
  Path c;

  /** Runs on the server after each fetch it served. */
  volatile Consumer<Repository> afterFetch = r -> {};

  /** Runs on the server before it takes a push; may refuse the commands. */
  volatile Consumer<List<ReceiveCommand>> beforePush = cmds -> {};

  @BeforeEach
  void threeClonesOfOneServedRemote() throws Exception {
    remote = tmp.resolve("remote.git");
    Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
    served = Git.open(remote.toFile()).getRepository();
    daemon = new Daemon(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    daemon.getService("git-receive-pack").setEnabled(true);
    daemon.setRepositoryResolver(
        (req, name) -> {
          served.incrementOpen();
          return served;
        });
    daemon.setUploadPackFactory(
        (req, db) -> {
          UploadPack up = new UploadPack(db);
          up.setPostUploadHook(stats -> afterFetch.accept(db));
          return up;
        });
    daemon.setReceivePackFactory(
        (req, db) -> {
          ReceivePack rp = new ReceivePack(db);
          rp.setPreReceiveHook((pack, cmds) -> beforePush.accept(List.copyOf(cmds)));
          return rp;
        });
    daemon.start();
    String url = "git://127.0.0.1:" + daemon.getAddress().getPort() + "/remote.git";
    a = tmp.resolve("a");
    Agent.init(a, InitOptions.defaults()).close();
    try (AgentRepo r = AgentRepo.init(Layout.of(a), Clock.systemUTC())) {
      r.git().remoteAdd().setName("origin").setUri(new URIish(url)).call();
      assertThat(new Sync(r).run("origin", "keep-both").outcome()).isEqualTo(Sync.Outcome.PUSHED);
    }
    b = tmp.resolve("b");
    Git.cloneRepository().setURI(url).setDirectory(b.toFile()).call().close();
    c = tmp.resolve("c");
    Git.cloneRepository().setURI(url).setDirectory(c.toFile()).call().close();
  }

  @AfterEach
  void stop() throws Exception {
    daemon.stopAndWait();
    served.close();
  }

  private static String head(Repository r, String ref) throws Exception {
    ObjectId id = r.resolve(ref);
    return id == null ? null : id.name();
  }

  @Test
  void aPushRejectedBecauseSomeonePushedMeanwhileIsFetchedMergedAndPushedAgain() throws Exception {
    SyncTest.turns(a, 3, 0, "a");
    SyncTest.turns(b, 3, 1, "b");
    SyncTest.turns(c, 2, 100, "c");
    assertThat(SyncTest.sync(a, "keep-both").outcome()).isEqualTo(Sync.Outcome.PUSHED);
    // c's work goes to the server on a side branch; right after b's first fetch it lands on
    // main, as if c had pushed between b's fetch and b's push.
    String aHead = head(served, "refs/heads/main");
    assertThat(SyncTest.sync(c, "keep-both").outcome()).isEqualTo(Sync.Outcome.MERGED_AND_PUSHED);
    String cHead = head(served, "refs/heads/main");
    RefUpdate back = served.updateRef("refs/heads/main");
    back.setNewObjectId(ObjectId.fromString(aHead));
    back.setForceUpdate(true);
    assertThat(back.update()).isEqualTo(RefUpdate.Result.FORCED);
    AtomicInteger fetches = new AtomicInteger();
    afterFetch =
        db -> {
          if (fetches.incrementAndGet() == 1) {
            try {
              RefUpdate ru = db.updateRef("refs/heads/main");
              ru.setNewObjectId(ObjectId.fromString(cHead));
              ru.update();
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        };
    Sync.Report r = SyncTest.sync(b, "keep-both");
    assertThat(r.outcome()).as(r.lines().toString()).isEqualTo(Sync.Outcome.MERGED_AND_PUSHED);
    assertThat(r.lines())
        .anyMatch(l -> l.startsWith("push rejected: origin moved on meanwhile"))
        .anyMatch(l -> l.startsWith("fetching origin and merging again (attempt 2 of 3)"));
    assertThat(fetches.get()).isEqualTo(2);
    assertThat(r.backupRef()).startsWith("refs/memdir/backup/");
    // Nothing lost, nothing forced: main on the server holds a's, b's and c's records.
    try (Git g = Git.open(b.toFile())) {
      Repository repo = g.getRepository();
      assertThat(head(served, "refs/heads/main")).isEqualTo(head(repo, "HEAD"));
      try (var w = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
        var main = w.parseCommit(repo.resolve("HEAD"));
        assertThat(w.isMergedInto(w.parseCommit(ObjectId.fromString(cHead)), main)).isTrue();
        assertThat(w.isMergedInto(w.parseCommit(repo.resolve(r.backupRef())), main)).isTrue();
      }
    }
    List<Record> h = SyncTest.history(b);
    assertThat(h).hasSize(8);
    assertThat(h).extracting(Record::content).anyMatch(x -> x.startsWith("c "));
    assertThat(h).extracting(Record::id).doesNotHaveDuplicates();
    assertThat(h).extracting(Record::ts).isSorted();
  }

  @Test
  void aRemoteThatKeepsMovingIsTriedThreeTimesThenReportedWithoutAForcePush() throws Exception {
    SyncTest.turns(a, 2, 0, "a");
    SyncTest.turns(b, 2, 1, "b");
    assertThat(SyncTest.sync(a, "keep-both").outcome()).isEqualTo(Sync.Outcome.PUSHED);
    // After every fetch someone pushes again: a new empty commit on main.
    afterFetch =
        db -> {
          try (Git g = new Git(db)) {
            var inserter = db.newObjectInserter();
            var parent = db.parseCommit(db.resolve("refs/heads/main"));
            var cb = new org.eclipse.jgit.lib.CommitBuilder();
            cb.setTreeId(parent.getTree());
            cb.setParentId(parent);
            var who = new org.eclipse.jgit.lib.PersonIdent("other", "o@x");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("someone else\n");
            ObjectId id = inserter.insert(cb);
            inserter.flush();
            RefUpdate ru = db.updateRef("refs/heads/main");
            ru.setNewObjectId(id);
            ru.update();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    String before = head(served, "refs/heads/main");
    Sync.Report r = SyncTest.sync(b, "keep-both");
    assertThat(r.outcome()).isEqualTo(Sync.Outcome.PUSH_REJECTED);
    assertThat(r.lines().stream().filter(l -> l.startsWith("push rejected:")).count())
        .isEqualTo(Sync.MAX_ATTEMPTS);
    assertThat(r.lines().get(r.lines().size() - 1))
        .isEqualTo("gave up after 3 attempts: origin keeps moving on; run memdir sync again");
    // The server only ever moved forward, by the others' commits: b never forced its branch.
    try (var w = new org.eclipse.jgit.revwalk.RevWalk(served)) {
      var now = w.parseCommit(served.resolve("refs/heads/main"));
      assertThat(w.isMergedInto(w.parseCommit(ObjectId.fromString(before)), now)).isTrue();
      assertThat(now.getShortMessage()).isEqualTo("someone else");
    }
    assertThat(SyncTest.history(b)).hasSize(4);
  }

  @Test
  void aRemoteThatRefusesThePushSaysSoKeepsTheLocalCommitsAndTheBackupRef() throws Exception {
    SyncTest.turns(a, 2, 0, "a");
    SyncTest.turns(b, 2, 1, "b");
    assertThat(SyncTest.sync(a, "keep-both").outcome()).isEqualTo(Sync.Outcome.PUSHED);
    beforePush =
        cmds ->
            cmds.forEach(
                cmd ->
                    cmd.setResult(
                        ReceiveCommand.Result.REJECTED_OTHER_REASON,
                        "pre-receive: main is protected, open a review"));
    String before = head(served, "refs/heads/main");
    Sync.Report r = SyncTest.sync(b, "keep-both");
    assertThat(r.outcome()).isEqualTo(Sync.Outcome.PUSH_REJECTED);
    assertThat(r.ok()).isFalse();
    assertThat(r.lines())
        .anyMatch(
            l ->
                l.startsWith("push rejected by origin: REJECTED_OTHER_REASON")
                    && l.contains("main is protected, open a review")
                    && l.contains("nothing was lost")
                    && l.contains(r.backupRef()));
    assertThat(r.lines()).noneMatch(l -> l.startsWith("fetching origin and merging again"));
    assertThat(r.backupRef()).startsWith("refs/memdir/backup/");
    assertThat(head(served, "refs/heads/main")).isEqualTo(before);
    try (Git g = Git.open(b.toFile())) {
      Repository repo = g.getRepository();
      assertThat(repo.resolve(r.backupRef())).isNotNull();
      assertThat(g.log().setMaxCount(1).call().iterator().next().getParentCount()).isEqualTo(2);
    }
    assertThat(SyncTest.history(b)).hasSize(4);
  }

  /** A bare remote on disk whose real git pre-receive hook refuses: git's own receive-pack. */
  @Test
  void aFileRemoteWithAGitPreReceiveHookThatRefusesIsReportedClearly() throws Exception {
    assumeTrue(PlainGitMergeTest.hasGit(), "no git binary: a git hook cannot run");
    Path bare = tmp.resolve("hooked.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    Path hook = bare.resolve("hooks/pre-receive");
    Files.createDirectories(hook.getParent());
    Files.writeString(hook, "#!/bin/sh\necho 'refused: pushes need a review' >&2\nexit 1\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    SyncTest.turns(b, 2, 1, "b");
    try (Git g = Git.open(b.toFile())) {
      StoredConfig cfg = g.getRepository().getConfig();
      cfg.setString("remote", "hooked", "url", bare.toUri().toString());
      // JGit runs its own receive-pack for file:// unless told to start git's, which runs hooks.
      cfg.setString("remote", "hooked", "receivepack", gitReceivePack());
      cfg.save();
    }
    Sync.Report r;
    try (AgentRepo repo = AgentRepo.open(Layout.of(b), Clock.systemUTC())) {
      r = new Sync(repo).run("hooked", "keep-both");
    }
    assertThat(r.outcome()).as(r.lines().toString()).isEqualTo(Sync.Outcome.PUSH_REJECTED);
    assertThat(r.lines()).anyMatch(l -> l.startsWith("push rejected by hooked:"));
    assertThat(r.lines()).anyMatch(l -> l.contains("nothing was lost"));
    try (Git g = Git.open(bare.toFile())) {
      assertThat(g.getRepository().resolve("refs/heads/main")).isNull();
    }
    assertThat(SyncTest.history(b)).hasSize(2);
  }

  private static String gitReceivePack() throws Exception {
    Process p = new ProcessBuilder("git", "--exec-path").start();
    String dir = new String(p.getInputStream().readAllBytes()).strip();
    p.waitFor();
    return Path.of(dir, "git-receive-pack").toString();
  }
}
