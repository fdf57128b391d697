package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memdir.Agent;
import dev.memdir.agent.Scripted;
import dev.memdir.history.Record;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCommandsTest {
  @TempDir Path tmp;

  private static CliTest.Result ok(String... args) {
    CliTest.Result r = CliTest.run(args);
    assertThat(r.code()).as(r.err()).isZero();
    return r;
  }

  private static void agentTurn(Path dir, String line) {
    try (ScriptedServer server = ScriptedServer.start();
        Agent agent = Agent.open(dir)) {
      server.enqueue(
          OpenAiReplies.toolCalls(
              Scripted.call(
                  "c1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"" + line + "\"}")));
      server.enqueue(OpenAiReplies.text("Noted."));
      agent.send("Remember: " + line, Scripted.openAi(server));
    }
  }

  @Test
  void logShowsHowCoreMemoryEvolvedWithWhoChangedItAndUndoRevertsTheAgentsEdit() throws Exception {
    Path dir = tmp.resolve("ada");
    assertThat(ok("init", dir.toString(), "--git").out()).contains("versioned with git");
    assertThat(Files.readString(dir.resolve("agent.yaml"))).contains("git:\n  autocommit: true");
    assertThat(Files.readString(dir.resolve(".gitattributes")))
        .contains("history/*.jsonl merge=union");
    ok("memory", "append", dir.toString(), "human", "Name: Ada");
    agentTurn(dir, "Likes tea.");

    String log = ok("log", dir.toString(), "--memory", "--block", "human").out();
    assertThat(log.lines().filter(l -> !l.startsWith(" ")).toList())
        .hasSize(3)
        .satisfies(
            l -> {
              assertThat(l.get(0)).contains("agent ").contains("(memory_insert)");
              assertThat(l.get(1)).contains("person").contains("(memory append)");
              assertThat(l.get(2)).contains("person").contains("init: agent ada");
            });
    assertThat(log).contains("    memory: human +1 line");

    assertThat(ok("diff", dir.toString(), "HEAD~1").out())
        .contains("+++ b/memory/human.md")
        .contains("+Likes tea.");

    ok("memory", "append", dir.toString(), "human", "Works at night.");
    String undo = ok("undo", dir.toString()).out();
    assertThat(undo).startsWith("undo ");
    String human = ok("memory", dir.toString(), "human").out();
    assertThat(human).contains("Name: Ada", "Works at night.").doesNotContain("Likes tea.");
    assertThat(ok("validate", dir.toString()).code()).isZero();
  }

  @Test
  void syncReportsAnUnknownRemoteAndADirectoryWithoutGit() {
    Path dir = tmp.resolve("plain");
    ok("init", dir.toString());
    CliTest.Result r = CliTest.run("log", dir.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("is not in a git repository");
    Path versioned = tmp.resolve("versioned");
    ok("init", versioned.toString(), "--git");
    CliTest.Result s = CliTest.run("sync", versioned.toString());
    assertThat(s.code()).isEqualTo(1);
    assertThat(s.err()).contains("no remote named 'origin'; add one (git remote add origin URL)");
  }

  private static String git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out;
  }

  private static boolean hasGit() {
    try {
      return new ProcessBuilder("git", "--version").start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void plainGitMergeOfTwoClonesKeepsEveryRecordAndReadersSeeThemInTimeOrder() throws Exception {
    assumeTrue(hasGit(), "no git binary on this machine: plain git merge not tested");
    Path a = tmp.resolve("a");
    ok("init", a.toString(), "--git");
    git(a, "config", "user.email", "a@example.com");
    git(a, "config", "user.name", "A");
    Path b = tmp.resolve("b");
    git(tmp, "clone", "-q", a.toString(), b.toString());
    git(b, "config", "user.email", "b@example.com");
    git(b, "config", "user.name", "B");
    for (int i = 0; i < 3; i++) {
      ok(
          "history",
          "append",
          a.toString(),
          "--role",
          "user",
          "a" + i,
          "--ts",
          "2026-11-26T10:0" + (2 * i) + ":00Z");
      ok(
          "history",
          "append",
          b.toString(),
          "--role",
          "user",
          "b" + i,
          "--ts",
          "2026-11-26T10:0" + (2 * i + 1) + ":00Z");
    }
    git(b, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main");
    assertThat(Files.readString(b.resolve("history/2026-11.jsonl"))).doesNotContain("<<<<<<<");
    assertThat(ok("show", b.toString()).out()).contains("history records: 6");
    try (Agent agent = Agent.open(b);
        Stream<Record> s = agent.history().stream()) {
      List<Record> h = s.toList();
      assertThat(h).hasSize(6);
    }
    assertThat(ok("validate", b.toString()).out()).doesNotContain("conflict marker");
  }
}
