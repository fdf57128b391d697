package dev.memdir.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.format.Layout;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import dev.memdir.memory.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncTest {
  @TempDir Path tmp;
  Path remote;
  Path a;
  Path b;
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  @BeforeEach
  void twoClones() throws Exception {
    remote = tmp.resolve("remote.git");
    Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
    a = tmp.resolve("a");
    Agent.init(a, InitOptions.defaults()).close();
    try (AgentRepo r = AgentRepo.init(Layout.of(a), Clock.systemUTC())) {
      r.git().remoteAdd().setName("origin").setUri(new URIish(remote.toUri().toString())).call();
      assertThat(new Sync(r).run("origin", "keep-both").outcome()).isEqualTo(Sync.Outcome.PUSHED);
    }
    b = tmp.resolve("b");
    Git.cloneRepository().setURI(remote.toUri().toString()).setDirectory(b.toFile()).call().close();
  }

  /** Appends {@code n} user messages, the i-th at T0 + (2i + offset) minutes. */
  static void turns(Path dir, int n, int offset, String who) {
    try (Agent agent = Agent.open(dir)) {
      for (int i = 0; i < n; i++) {
        Instant ts = T0.plusSeconds(60L * (2 * i + offset));
        agent.write(
            "history append", () -> agent.history().append(Message.user(who + " " + ts), ts));
      }
    }
  }

  static Sync.Report sync(Path dir, String onConflict) {
    try (AgentRepo r = AgentRepo.open(Layout.of(dir), Clock.systemUTC())) {
      return new Sync(r).run("origin", onConflict);
    }
  }

  static List<Record> history(Path dir) {
    try (Agent agent = Agent.open(dir);
        Stream<Record> s = agent.history().stream()) {
      return s.toList();
    }
  }

  @Test
  void twoClonesThatEachRanTurnsSyncWithoutLosingARecordInTimeOrderWithBothBlockEdits() {
    turns(a, 5, 0, "a");
    turns(b, 4, 1, "b");
    try (Agent agent = Agent.open(a)) {
      agent.write("memory append", () -> agent.memory().append(Actor.PERSON, "human", "From A."));
    }
    try (Agent agent = Agent.open(b)) {
      agent.write(
          "memory insert", () -> agent.memory().insert(Actor.PERSON, "human", "From B.", 0));
    }
    assertThat(sync(a, "keep-both").outcome()).isEqualTo(Sync.Outcome.PUSHED);
    Sync.Report rb = sync(b, "keep-both");
    assertThat(rb.outcome()).as(rb.lines().toString()).isEqualTo(Sync.Outcome.MERGED_AND_PUSHED);
    assertThat(rb.backupRef()).startsWith("refs/memdir/backup/");
    assertThat(sync(a, "keep-both").outcome()).isEqualTo(Sync.Outcome.FAST_FORWARDED);

    for (Path dir : List.of(a, b)) {
      List<Record> h = history(dir);
      assertThat(h).hasSize(9);
      assertThat(h).extracting(Record::id).doesNotHaveDuplicates();
      assertThat(h).extracting(Record::ts).isSorted();
      try (Agent agent = Agent.open(dir)) {
        assertThat(agent.memory().get("human").value())
            .startsWith("From B.")
            .endsWith("From A.")
            .doesNotContain("<<<<<<<");
      }
    }
  }

  @Test
  void bothSidesChangingTheSameLineKeepBothTextsMarkedAndValidateFlagsThem() {
    try (Agent agent = Agent.open(a)) {
      agent.write("memory set", () -> agent.memory().rethink(Actor.PERSON, "human", "Likes tea."));
    }
    try (Agent agent = Agent.open(b)) {
      agent.write(
          "memory set", () -> agent.memory().rethink(Actor.PERSON, "human", "Likes coffee."));
    }
    sync(a, "keep-both");
    Sync.Report r = sync(b, "keep-both");
    assertThat(r.outcome()).isEqualTo(Sync.Outcome.MERGED_AND_PUSHED);
    assertThat(r.lines()).anyMatch(l -> l.contains("memory/human.md: both sides changed"));
    try (Agent agent = Agent.open(b)) {
      String v = agent.memory().get("human").value();
      assertThat(v).contains("Likes tea.", "Likes coffee.", "<<<<<<< ours", ">>>>>>> theirs");
      assertThat(agent.validate().errors())
          .anyMatch(
              p ->
                  p.toString().startsWith("memory/human.md:")
                      && p.toString().contains("conflict marker"));
    }
  }

  @Test
  void onConflictFailChangesNothingAndOursOrTheirsPickOneSide() throws Exception {
    try (Agent agent = Agent.open(a)) {
      agent.write("memory set", () -> agent.memory().rethink(Actor.PERSON, "human", "Likes tea."));
    }
    try (Agent agent = Agent.open(b)) {
      agent.write(
          "memory set", () -> agent.memory().rethink(Actor.PERSON, "human", "Likes coffee."));
    }
    sync(a, "keep-both");
    String headBefore;
    try (Git g = Git.open(b.toFile())) {
      headBefore = g.getRepository().resolve("HEAD").name();
    }
    Sync.Report failed = sync(b, "fail");
    assertThat(failed.outcome()).isEqualTo(Sync.Outcome.CONFLICT_NOT_MERGED);
    assertThat(failed.ok()).isFalse();
    try (Git g = Git.open(b.toFile())) {
      assertThat(g.getRepository().resolve("HEAD").name()).isEqualTo(headBefore);
    }
    assertThat(sync(b, "theirs").outcome()).isEqualTo(Sync.Outcome.MERGED_AND_PUSHED);
    try (Agent agent = Agent.open(b)) {
      assertThat(agent.memory().get("human").value()).isEqualTo("Likes tea.");
    }
  }

  @Test
  void aRemoteThatRejectsThePushLeavesTheLocalCommitsAndTheRemoteAsTheyWere() throws Exception {
    turns(b, 2, 1, "b");
    String remoteBefore;
    try (Git g = Git.open(remote.toFile())) {
      remoteBefore = g.getRepository().resolve("refs/heads/main").name();
    }
    // A lock file on the remote's branch makes its receive-pack refuse the update.
    Files.writeString(remote.resolve("refs/heads/main.lock"), "");
    Sync.Report r = sync(b, "keep-both");
    assertThat(r.outcome()).isEqualTo(Sync.Outcome.PUSH_REJECTED);
    assertThat(r.ok()).isFalse();
    assertThat(r.lines()).anyMatch(l -> l.startsWith("push rejected"));
    try (Git g = Git.open(remote.toFile())) {
      assertThat(g.getRepository().resolve("refs/heads/main").name()).isEqualTo(remoteBefore);
    }
    assertThat(history(b)).hasSize(2);
    Files.delete(remote.resolve("refs/heads/main.lock"));
    assertThat(sync(b, "keep-both").outcome()).isEqualTo(Sync.Outcome.PUSHED);
  }

  @Test
  void aDetachedHeadIsNotSyncedAndSaysWhy() throws Exception {
    try (Git g = Git.open(a.toFile())) {
      g.checkout().setName(g.getRepository().resolve("HEAD").name()).call();
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync(a, "keep-both"))
        .hasMessageContaining("HEAD is detached");
  }
}
