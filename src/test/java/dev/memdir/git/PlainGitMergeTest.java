package dev.memdir.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.agent.Scripted;
import dev.memdir.format.Layout;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.memory.Actor;
import dev.memdir.search.MessageHit;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clones that each ran turns, merged by plain {@code git merge} (the git binary): in a clone
 * where memdir ran, through memdir's drivers; in one where it never ran, through git's union.
 * Either way every reader sees each record once, in time order.
 */
class PlainGitMergeTest {
  @TempDir Path tmp;
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  @AfterEach
  void resetLauncher() {
    AgentRepo.launchOverride = null;
  }

  /** This JVM's class path as the memdir git starts for its merge drivers. */
  static String thisMemdir() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return AgentRepo.shellQuote(java)
        + " -cp "
        + AgentRepo.shellQuote(System.getProperty("java.class.path"))
        + " dev.memdir.cli.Main";
  }

  static boolean hasGit() {
    try {
      return new ProcessBuilder("git", "--version").start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  static String git(Path dir, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of("git", "-C", dir.toString(), "-c", "user.name=P", "-c", "user.email=p@x"));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out;
  }

  static String gitMayFail(Path dir, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of("git", "-C", dir.toString(), "-c", "user.name=P", "-c", "user.email=p@x"));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  /** An agent made with init --git, pushed to a new bare remote. */
  private Path origin(Path a) throws Exception {
    Path remote = tmp.resolve("remote.git");
    Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
    Agent.init(a, InitOptions.defaults()).close();
    try (AgentRepo r = AgentRepo.init(Layout.of(a), Clock.systemUTC())) {
      r.git().remoteAdd().setName("origin").setUri(new URIish(remote.toUri().toString())).call();
    }
    git(a, "push", "-q", "origin", "main");
    return remote;
  }

  /** {@code n} records at T0 + (2i + offset) minutes, and one scripted turn with a block edit. */
  private static void turns(Path dir, int n, int offset, String who, ScriptedServer server) {
    try (Agent agent = Agent.open(dir)) {
      for (int i = 0; i < n; i++) {
        Instant ts = T0.plusSeconds(60L * (2 * i + offset));
        String text = who + i + " kiwi " + ts;
        agent.write("history append", () -> agent.history().append(Message.user(text), ts));
      }
      server.enqueue(
          OpenAiReplies.toolCalls(
              Scripted.call(
                  "c1",
                  "memory_insert",
                  "{\"label\":\"human\",\"new_str\":\"From " + who + ".\"}")));
      server.enqueue(OpenAiReplies.text("Noted, " + who + "."));
      agent.send("kiwi turn of " + who + offset, Scripted.openAi(server));
    }
  }

  private static List<Record> stream(Agent agent) {
    try (Stream<Record> s = agent.history().stream()) {
      return s.toList();
    }
  }

  /** Every reader of {@code dir} sees {@code expected} records, each once, in time order. */
  private static void everyReaderSeesTimeOrder(Path dir, int expected) throws Exception {
    try (ScriptedServer server = ScriptedServer.start();
        Agent agent = Agent.open(dir)) {
      List<Record> all = stream(agent);
      assertThat(all).hasSize(expected);
      assertThat(all).extracting(Record::id).doesNotHaveDuplicates();
      Comparator<Record> order = Comparator.comparing(Record::ts).thenComparing(Record::id);
      assertThat(all).isSortedAccordingTo(order);
      // show
      assertThat(agent.messageCount()).isEqualTo(expected);
      // the last-N read (context window, memdir history)
      assertThat(agent.history().tail(7)).isEqualTo(all.subList(all.size() - 7, all.size()));
      // context: the window's messages appear in time order
      String context =
          agent.context().sections().stream()
              .map(dev.memdir.agent.Section::text)
              .collect(Collectors.joining("\n"));
      List<Record> kiwis =
          all.stream()
              .filter(r -> r.role().equals("user") && r.content().contains("kiwi"))
              .toList();
      int at = -1;
      for (Record r : kiwis) {
        int i = context.indexOf(r.content());
        assertThat(i).as("context holds %s after the one before", r.content()).isGreaterThan(at);
        at = i;
      }
      // memdir history search
      List<MessageHit> hits =
          agent
              .search()
              .conversationSearch("kiwi", List.of("user"), Optional.empty(), Optional.empty(), 100)
              .hits();
      assertThat(hits).extracting(MessageHit::id).doesNotHaveDuplicates();
      assertThat(hits.stream().map(MessageHit::id).collect(Collectors.toSet()))
          .isEqualTo(kiwis.stream().map(Record::id).collect(Collectors.toSet()));
      // the conversation_search tool, called by the model in a turn
      server.enqueue(
          OpenAiReplies.toolCalls(
              Scripted.call(
                  "s1",
                  "conversation_search",
                  "{\"query\":\"kiwi\",\"roles\":[\"user\"],\"limit\":100}")));
      server.enqueue(OpenAiReplies.text("Found them."));
      agent.send("what about kiwi?", Scripted.openAi(server));
      List<Record> after = stream(agent);
      String result =
          after.stream()
              .filter(r -> r.role().equals("tool"))
              .reduce((x, y) -> y)
              .orElseThrow()
              .content();
      for (Record r : kiwis) {
        assertThat(result).contains(r.content());
        assertThat(result.indexOf(r.content())).isEqualTo(result.lastIndexOf(r.content()));
      }
    }
  }

  @Test
  void aFreshCloneGetsTheMergeDriversOnceWhenMemdirFirstOpensIt() throws Exception {
    Path a = tmp.resolve("a");
    Path remote = tmp.resolve("remote.git");
    Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
    Agent.init(a, InitOptions.defaults()).close();
    try (AgentRepo r = AgentRepo.init(Layout.of(a), Clock.systemUTC())) {
      r.git().remoteAdd().setName("origin").setUri(new URIish(remote.toUri().toString())).call();
      new Sync(r).run("origin", "keep-both");
    }
    Path b = tmp.resolve("b");
    Git.cloneRepository().setURI(remote.toUri().toString()).setDirectory(b.toFile()).call().close();
    Path config = b.resolve(".git/config");
    Path info = b.resolve(".git/info/attributes");
    assertThat(Files.readString(config)).doesNotContain("memdir");
    Agent.open(b).close();
    try (Git g = Git.open(b.toFile())) {
      StoredConfig c = g.getRepository().getConfig();
      assertThat(c.getString("merge", "memdir", "driver"))
          .contains("merge-file %O %A %B %P")
          .endsWith("|| git merge-file -L ours -L base -L theirs %A %O %B");
      assertThat(c.getString("merge", "memdir-history", "driver"))
          .contains("merge-file %O %A %B %P")
          .endsWith("|| git merge-file --union %A %O %B");
    }
    assertThat(Files.readAllLines(info)).contains("history/*.jsonl merge=memdir-history");
    byte[] configBytes = Files.readAllBytes(config);
    byte[] infoBytes = Files.readAllBytes(info);
    var configTime = Files.getLastModifiedTime(config);
    Agent.open(b).close();
    Agent.open(b).close();
    assertThat(Files.readAllBytes(config)).isEqualTo(configBytes);
    assertThat(Files.getLastModifiedTime(config)).isEqualTo(configTime);
    assertThat(Files.readAllBytes(info)).isEqualTo(infoBytes);
    // A driver a person set is theirs.
    try (Git g = Git.open(b.toFile())) {
      StoredConfig c = g.getRepository().getConfig();
      c.setString("merge", "memdir", "driver", "my-merge %O %A %B");
      c.save();
    }
    Agent.open(b).close();
    try (Git g = Git.open(b.toFile())) {
      assertThat(g.getRepository().getConfig().getString("merge", "memdir", "driver"))
          .isEqualTo("my-merge %O %A %B");
    }
  }

  @Test
  void anAgentInsideALargerRepositoryNamesItsOwnHistoryInInfoAttributes() throws Exception {
    Path outer = tmp.resolve("project");
    Files.createDirectories(outer);
    Git.init().setDirectory(outer.toFile()).setInitialBranch("main").call().close();
    Path dir = outer.resolve("agents/ada");
    Agent.init(dir, InitOptions.defaults()).close();
    AgentRepo.init(Layout.of(dir), Clock.systemUTC()).close();
    assertThat(Files.readAllLines(outer.resolve(".git/info/attributes")))
        .contains("agents/ada/history/*.jsonl merge=memdir-history");
  }

  @Test
  void plainGitMergeInAMemdirCloneWritesHistorySortedAndEveryReaderSeesEachRecordOnce()
      throws Exception {
    mergeInAMemdirClone(false);
  }

  /**
   * The same with b's history index built before the merge: HistoryIndex.catchUp must not take the
   * merged segment (grown and rewritten, sorted) for an append read from its old end; it checks the
   * bytes before that end and reads the segment again.
   */
  @Test
  void aHistoryIndexBuiltBeforeAPlainGitMergeCatchesUpWithTheMergedSegments() throws Exception {
    mergeInAMemdirClone(true);
  }

  private void mergeInAMemdirClone(boolean searchBeforeMerge) throws Exception {
    assumeTrue(hasGit(), "no git binary on this machine: plain git merge not tested");
    AgentRepo.launchOverride = thisMemdir();
    Path a = tmp.resolve("a");
    Path remote = origin(a);
    Path b = tmp.resolve("b");
    git(tmp, "clone", "-q", remote.toString(), b.toString());
    try (ScriptedServer server = ScriptedServer.start()) {
      turns(a, 4, 0, "a", server);
      turns(b, 3, 1, "b", server);
      turns(a, 1, 20, "a", server);
    }
    if (searchBeforeMerge) {
      try (Agent agent = Agent.open(b)) {
        // The search index of b is built before the merge, and must catch up after it.
        agent.search().conversationSearch("kiwi", List.of(), Optional.empty(), Optional.empty(), 5);
      }
    }
    git(a, "push", "-q", "origin", "main");
    int recordsA;
    int recordsB;
    try (Agent x = Agent.open(a);
        Agent y = Agent.open(b)) {
      recordsA = stream(x).size();
      recordsB = stream(y).size();
    }
    String out = git(b, "pull", "--no-rebase", "--no-edit", "origin", "main");
    assertThat(out).doesNotContain("CONFLICT");
    // The driver wrote each segment sorted, before any memdir reader opened it.
    try (Stream<Path> segs = Files.list(b.resolve("history"))) {
      for (Path seg : segs.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
        List<String> lines = Files.readAllLines(seg);
        // By time, not by the ts text: a record written on a whole second has "…:20Z", which
        // sorts after "…:20.006Z" as text though it is earlier.
        List<String> sorted =
            lines.stream()
                .sorted(
                    Comparator.comparing(
                        (String l) -> Instant.parse(l.replaceAll(".*\"ts\":\"([^\"]+)\".*", "$1"))))
                .toList();
        assertThat(lines).as(seg.toString()).isEqualTo(sorted);
        assertThat(Set.copyOf(lines)).hasSameSizeAs(lines);
      }
    }
    String human = Files.readString(b.resolve("memory/human.md"));
    assertThat(human).contains("From a.", "From b.");
    // The base record count is shared: init writes none.
    everyReaderSeesTimeOrder(b, recordsA + recordsB);
  }

  @Test
  void plainGitMergeInACloneWhereMemdirNeverRanUsesUnionAndReadersPutItInOrder() throws Exception {
    assumeTrue(hasGit(), "no git binary on this machine: plain git merge not tested");
    Path a = tmp.resolve("a");
    Path remote = origin(a);
    Path b = tmp.resolve("b");
    git(tmp, "clone", "-q", remote.toString(), b.toString());
    Path c = tmp.resolve("c");
    git(tmp, "clone", "-q", remote.toString(), c.toString());
    try (ScriptedServer server = ScriptedServer.start()) {
      turns(a, 4, 0, "a", server);
      turns(b, 3, 1, "b", server);
    }
    git(a, "push", "-q", "origin", "main");
    git(b, "push", "-q", tmp.resolve("c").toString(), "main:theirs");
    // c: a person with plain git only. Fetch a's work and merge b's branch: no memdir here.
    git(c, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main");
    // Both appended a line to the human block: git's own text merge conflicts there (and only
    // there); the person commits the markers, which validate reports.
    String out = gitMayFail(c, "merge", "--no-edit", "theirs");
    assertThat(out).contains("Auto-merging history/2026-11.jsonl").doesNotContain("in history/");
    git(c, "commit", "-q", "-a", "--no-edit");
    assertThat(Files.readString(c.resolve(".git/config"))).doesNotContain("memdir");
    int expected;
    try (Agent x = Agent.open(a);
        Agent y = Agent.open(b)) {
      expected = stream(x).size() + stream(y).size();
    }
    Path seg = c.resolve("history/2026-11.jsonl");
    List<String> raw = Files.readAllLines(seg);
    assertThat(raw).isNotEqualTo(raw.stream().sorted().toList()); // union order on disk
    try (Agent agent = Agent.open(c)) {
      assertThat(agent.history().warnings()).anyMatch(p -> p.toString().contains("sorted"));
    }
    everyReaderSeesTimeOrder(c, expected);
  }

  @Test
  void aClonesMemoryBlockEditsOnDifferentLinesBothSurviveAPlainMerge() throws Exception {
    assumeTrue(hasGit(), "no git binary on this machine: plain git merge not tested");
    AgentRepo.launchOverride = thisMemdir();
    Path a = tmp.resolve("a");
    Path remote = origin(a);
    Path b = tmp.resolve("b");
    git(tmp, "clone", "-q", remote.toString(), b.toString());
    try (Agent agent = Agent.open(a)) {
      agent.write("memory set", () -> agent.memory().rethink(Actor.PERSON, "human", "Likes tea."));
    }
    git(a, "push", "-q", "origin", "main");
    try (Agent agent = Agent.open(b)) {
      agent.write(
          "memory set", () -> agent.memory().rethink(Actor.PERSON, "human", "Likes coffee."));
    }
    // Both changed the same line: memdir's driver keeps both, marked, and git sees no conflict.
    String out = git(b, "pull", "--no-rebase", "--no-edit", "origin", "main");
    assertThat(out).doesNotContain("CONFLICT");
    try (Agent agent = Agent.open(b)) {
      assertThat(agent.memory().get("human").value())
          .contains("Likes tea.", "Likes coffee.", "<<<<<<< ours");
      assertThat(agent.validate().errors()).anyMatch(p -> p.toString().contains("conflict marker"));
    }
  }
}
