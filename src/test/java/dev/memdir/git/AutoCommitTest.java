package dev.memdir.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.agent.Scripted;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.memory.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoCommitTest {
  @TempDir Path tmp;

  private Path versionedAgent(Path dir) {
    Agent.init(dir, InitOptions.defaults()).close();
    AgentRepo.init(dev.memdir.format.Layout.of(dir), Clock.systemUTC()).close();
    return dir;
  }

  @Test
  void aScriptedConversationGivesOneCommitPerTurnSayingWhatChanged() throws Exception {
    Path dir = versionedAgent(tmp.resolve("ada"));
    try (ScriptedServer server = ScriptedServer.start()) {
      server.enqueue(
          OpenAiReplies.toolCalls(
              Scripted.call(
                  "c1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"Likes tea.\"}")));
      server.enqueue(OpenAiReplies.text("Noted."));
      server.enqueue(
          OpenAiReplies.toolCalls(
              Scripted.call("c2", "archival_memory_insert", "{\"content\":\"Thesis due in May.\"}"),
              Scripted.call("c3", "archival_memory_insert", "{\"content\":\"Has a cat.\"}")));
      server.enqueue(OpenAiReplies.text("Stored."));
      try (Agent agent = Agent.open(dir)) {
        agent.send("I like tea.", Scripted.openAi(server));
        agent.send("Thesis in May; I have a cat.", Scripted.openAi(server));
      }
    }
    List<String> subjects = GitLog.subjects(dir);
    assertThat(subjects).hasSize(3);
    assertThat(subjects.get(0)).isEqualTo("init: agent ada");
    assertThat(subjects.get(1))
        .startsWith("memory: human +1 line; history: +")
        .endsWith("(memory_insert)");
    assertThat(subjects.get(2))
        .startsWith("archival: +2 facts; history: +")
        .endsWith("(archival_memory_insert)");
    assertThat(GitLog.headMessage(dir)).contains("Memdir-Actor: agent");
    assertThat(GitLog.paths(dir)).noneMatch(p -> p.startsWith(".memdir/"));
    assertThat(GitLog.paths(dir)).contains(".gitattributes", ".gitignore", "agent.yaml");
    try (Git g = Git.open(dir.toFile())) {
      assertThat(g.status().call().isClean()).isTrue();
    }
  }

  /** A scripted run in a new agent: its commit subjects, then every file without ids and times. */
  private List<String> scriptedRun(Path dir) throws Exception {
    versionedAgent(dir);
    try (ScriptedServer server = ScriptedServer.start()) {
      server.enqueue(
          OpenAiReplies.toolCalls(
              Scripted.call(
                  "c1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"Likes tea.\"}"),
              Scripted.call("c2", "archival_memory_insert", "{\"content\":\"Has a cat.\"}")));
      server.enqueue(OpenAiReplies.text("Noted."));
      try (Agent agent = Agent.open(dir)) {
        agent.send("I like tea and have a cat.", Scripted.openAi(server));
      }
    }
    List<String> out = new java.util.ArrayList<>(GitLog.subjects(dir));
    try (var files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        String rel = dir.relativize(p).toString();
        if (rel.startsWith(".git/") || rel.startsWith(".memdir/")) {
          continue;
        }
        String text =
            Files.readString(p)
                .replaceAll("\\d{4}-\\d\\d-\\d\\d-[a-z0-9-]+-[0-9a-f]{6}", "FACT")
                .replaceAll("\"id\":\"[0-9A-Z]{26}\"", "ID")
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "TIME")
                .replaceAll("call_[0-9a-z]+|c[12]", "CALL");
        out.add(
            rel.replaceAll("[0-9a-f]{6}\\.md$", "ID.md").replaceAll("\\d{4}-\\d\\d", "MONTH")
                + "\n"
                + text);
      }
    }
    return out;
  }

  @Test
  void twoIdenticalScriptedRunsGiveIdenticalCommitsAndTreesApartFromIdsAndTimes() throws Exception {
    assertThat(scriptedRun(tmp.resolve("one/ada"))).isEqualTo(scriptedRun(tmp.resolve("two/ada")));
  }

  @Test
  void aHandEditDuringARunIsCommittedFirstAsThePersonsOwnCommit() throws Exception {
    Path dir = versionedAgent(tmp.resolve("ada"));
    try (Agent agent = Agent.open(dir)) {
      Files.writeString(
          dir.resolve("memory/human.md"),
          Files.readString(dir.resolve("memory/human.md")) + "Hand-written line.\n");
      agent.write("memory append", () -> agent.memory().append(Actor.PERSON, "persona", "Kind."));
    }
    List<String> subjects = GitLog.subjects(dir);
    assertThat(subjects)
        .containsExactly(
            "init: agent ada",
            "person edit: memory: human +1 line",
            "memory: persona +1 line (memory append)");
  }

  @Test
  void aHandEditWhileTheModelWorksIsThePersonsOwnCommitBeforeTheTurns() throws Exception {
    Path dir = versionedAgent(tmp.resolve("ada"));
    Path persona = dir.resolve("memory/persona.md");
    try (ScriptedServer server = ScriptedServer.start()) {
      server.enqueue(
          OpenAiReplies.toolCalls(
              Scripted.call(
                  "c1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"Likes tea.\"}")));
      // The second model call (after the tool ran) takes 1.5 s: a person saves another block then.
      server.enqueue(OpenAiReplies.text("Noted.").withDelay(java.time.Duration.ofMillis(1500)));
      try (Agent agent = Agent.open(dir)) {
        var turn =
            java.util.concurrent.CompletableFuture.runAsync(
                () -> agent.send("I like tea.", Scripted.openAi(server)));
        long until = System.nanoTime() + 30_000_000_000L;
        while (server.requestCount() < 2 && System.nanoTime() < until && !turn.isDone()) {
          Thread.sleep(10);
        }
        assertThat(server.requestCount()).isEqualTo(2);
        Files.writeString(persona, Files.readString(persona) + "Hand-written mid-turn.\n");
        turn.get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
    List<String> subjects = GitLog.subjects(dir);
    assertThat(subjects).hasSize(3);
    assertThat(subjects.get(1)).isEqualTo("person edit: memory: persona +1 line");
    assertThat(subjects.get(2))
        .startsWith("memory: human +1 line; history: +")
        .endsWith("(memory_insert)")
        .doesNotContain("persona");
    try (Git g = Git.open(dir.toFile())) {
      assertThat(g.status().call().isClean()).isTrue();
    }
  }

  @Test
  void anAgentInsideALargerRepositoryCommitsOnlyItsOwnPaths() throws Exception {
    Path outer = tmp.resolve("project");
    Files.createDirectories(outer);
    try (Git g = Git.init().setDirectory(outer.toFile()).setInitialBranch("main").call()) {
      Files.writeString(outer.resolve("README"), "project\n");
      g.add().addFilepattern("README").call();
      g.commit().setMessage("project").setAuthor("p", "p@x").setCommitter("p", "p@x").call();
    }
    Files.writeString(outer.resolve("README"), "project, edited and staged\n");
    Files.writeString(outer.resolve("notes.txt"), "not the agent's\n");
    try (Git g = Git.open(outer.toFile())) {
      g.add().addFilepattern("README").call();
    }
    Path dir = versionedAgent(outer.resolve("agents/ada"));
    try (Agent agent = Agent.open(dir)) {
      agent.write("archival add", () -> agent.archival().insert("A fact.", List.of()));
    }
    assertThat(GitLog.subjects(outer))
        .containsExactly("project", "init: agent ada", "archival: +1 fact (archival add)");
    assertThat(GitLog.paths(outer))
        .contains("README", "agents/ada/agent.yaml")
        .doesNotContain("notes.txt");
    try (Git g = Git.open(outer.toFile())) {
      var st = g.status().call();
      assertThat(st.getChanged()).containsExactly("README");
      assertThat(st.getUntracked()).contains("notes.txt");
    }
  }

  @Test
  void anEmptyRepositoryAndADetachedHeadBothTakeCommits() throws Exception {
    Path dir = tmp.resolve("ada");
    Files.createDirectories(dir);
    Git.init().setDirectory(dir.toFile()).call().close();
    versionedAgent(dir);
    assertThat(GitLog.subjects(dir)).containsExactly("init: agent ada");
    try (Git g = Git.open(dir.toFile())) {
      g.checkout().setName(g.getRepository().resolve("HEAD").name()).call();
    }
    try (Agent agent = Agent.open(dir)) {
      agent.write("archival add", () -> agent.archival().insert("A fact.", List.of()));
    }
    try (Git g = Git.open(dir.toFile())) {
      assertThat(g.getRepository().getFullBranch()).doesNotStartWith("refs/");
    }
    assertThat(GitLog.subjects(dir))
        .containsExactly("init: agent ada", "archival: +1 fact (archival add)");
  }

  @Test
  void withoutAutocommitNothingIsCommitted() throws Exception {
    Path dir = tmp.resolve("ada");
    Agent.init(dir, InitOptions.defaults()).close();
    Git.init().setDirectory(dir.toFile()).call().close();
    try (Agent agent = Agent.open(dir)) {
      agent.write("archival add", () -> agent.archival().insert("A fact.", List.of()));
    }
    try (Git g = Git.open(dir.toFile())) {
      assertThat(g.getRepository().resolve("HEAD")).isNull();
    }
  }
}
