package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on an agent directory a person has edited by hand, mistakes included. */
class HandEditedFilesTest {
  @TempDir Path tmp;
  Path dir;

  static CliTest.Result run(String... args) {
    return CliTest.run(args);
  }

  @BeforeEach
  void init() {
    dir = tmp.resolve("ada");
    assertThat(run("init", dir.toString(), "--name", "ada", "--human", "Name: Ada").code())
        .isZero();
  }

  @Test
  void historyAndContextShowARecordWhoseContentIsNotText() throws Exception {
    Files.writeString(
        dir.resolve("history/2026-11.jsonl"),
        "{\"v\":1,\"id\":\"01JDX3M8Q4ZK6Y5W2R9T7C1B0A\",\"ts\":\"2026-11-26T08:30:00Z\","
            + "\"role\":\"user\",\"content\":{\"note\":\"kept by hand\"}}\n");
    CliTest.Result h = run("history", dir.toString());
    assertThat(h.code()).as(h.err()).isZero();
    assertThat(h.out()).contains("[content is not text] {\"note\":\"kept by hand\"}");
    CliTest.Result c = run("context", dir.toString());
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("[content is not text] {\"note\":\"kept by hand\"}");
    CliTest.Result v = run("validate", dir.toString());
    assertThat(v.code()).isOne();
    assertThat(v.out() + v.err())
        .contains("history/2026-11.jsonl:1: 'content' must be a string, got an object");
  }

  @Test
  void validateReportsAHandWrittenFactOverTheCap() throws Exception {
    String text = "word ".repeat(4691) + "end";
    Files.writeString(dir.resolve("archival/long.md"), "---\ntags: [notes]\n---\n" + text + "\n");
    CliTest.Result v = run("validate", dir.toString());
    assertThat(v.code()).isOne();
    assertThat(v.out() + v.err())
        .contains(
            "archival/long.md:4: fact is 23,458 chars, over the 20,000-char cap;"
                + " split it into smaller facts");
    CliTest.Result list = run("archival", "get", dir.toString(), "long");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("end");
  }

  static final String TYPO =
      "name: ada\n"
          + "model: openai/gpt-4o-mini\n"
          + "context_window: 32000\n"
          + "max_steps: lots\n"
          + "history:\n"
          + "  durability: turn\n";

  @Test
  void aTypoInOneKeyOfAgentYamlOnlyStopsTheCommandsThatNeedIt() throws Exception {
    Files.writeString(dir.resolve("agent.yaml"), TYPO);
    String problem = "agent.yaml:4: 'max_steps' must be a positive integer, got \"lots\"";
    CliTest.Result m = run("memory", dir.toString(), "human");
    assertThat(m.code()).as(m.err()).isZero();
    assertThat(m.out()).isEqualTo("Name: Ada\n");
    assertThat(m.err()).isEqualTo("memdir: warning: " + problem + " (ignored for this command)\n");
    for (String[] args :
        new String[][] {
          {"memory", "append", dir.toString(), "human", "Likes tea"},
          {"archival", "add", dir.toString(), "Ada likes tea."},
          {"archival", "list", dir.toString()},
          {"archival", "search", dir.toString(), "tea"},
          {"history", dir.toString()},
          {"search", dir.toString(), "tea"},
          {"grep", dir.toString(), "tea"},
          {"show", dir.toString()},
        }) {
      CliTest.Result r = run(args);
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
      assertThat(r.err()).as(String.join(" ", args)).contains(problem + " (ignored");
    }
    CliTest.Result v = run("validate", dir.toString());
    assertThat(v.code()).isOne();
    assertThat(v.out()).contains(problem);
    CliTest.Result send = run("send", dir.toString(), "Hi");
    assertThat(send.code()).isOne();
    assertThat(send.err()).isEqualTo("memdir: " + problem + "\n");
    CliTest.Result context = run("context", dir.toString());
    assertThat(context.code()).isOne();
    assertThat(context.err()).isEqualTo("memdir: " + problem + "\n");
    assertThat(Files.readString(dir.resolve("agent.yaml"))).isEqualTo(TYPO);
  }

  @Test
  void aBrokenSearchSettingStopsOnlyTheCommandsThatSearch() throws Exception {
    Files.writeString(dir.resolve("agent.yaml"), "name: ada\nsearch:\n  b: 7\n  stemmer: porter\n");
    String problem = "agent.yaml:3: 'search.b' must be";
    assertThat(run("memory", dir.toString(), "human").code()).isZero();
    CliTest.Result s = run("search", dir.toString(), "tea");
    assertThat(s.code()).isOne();
    assertThat(s.err()).startsWith("memdir: " + problem).doesNotContain("ignored");
  }

  @Test
  void brokenYamlSyntaxStillLetsTheCommandsThatNeedNoSettingsWork() throws Exception {
    Files.writeString(
        dir.resolve("agent.yaml"),
        "name: ada\nmodel: \"openai/gpt-4o-mini\nmax_steps: 20\ntools: [memory_insert\n");
    for (String[] args :
        new String[][] {
          {"memory", dir.toString(), "human"},
          {"memory", "append", dir.toString(), "human", "Likes tea"},
          {"archival", "add", dir.toString(), "Ada likes tea."},
          {"archival", "list", dir.toString()},
          {"history", dir.toString()},
          {"search", dir.toString(), "tea"},
        }) {
      CliTest.Result r = run(args);
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
      assertThat(r.err())
          .as(String.join(" ", args))
          .contains("memdir: warning: agent.yaml:2: invalid YAML")
          .contains("memdir: warning: agent.yaml:4: invalid YAML")
          .contains("(ignored for this command)");
    }
    assertThat(run("memory", dir.toString(), "human").out()).isEqualTo("Name: Ada\nLikes tea\n");
    CliTest.Result v = run("validate", dir.toString());
    assertThat(v.code()).isOne();
    assertThat(v.out())
        .contains("agent.yaml:2: invalid YAML")
        .contains("agent.yaml:4: invalid YAML");
    CliTest.Result send = run("send", dir.toString(), "Hi");
    assertThat(send.code()).isOne();
    assertThat(send.err()).startsWith("memdir: agent.yaml:2: invalid YAML");
  }

  @Test
  void anAgentYamlThatIsNotAMappingStillLetsMemoryCommandsWork() throws Exception {
    Files.writeString(dir.resolve("agent.yaml"), "- just\n- a list\n");
    CliTest.Result m = run("memory", dir.toString(), "human");
    assertThat(m.code()).as(m.err()).isZero();
    assertThat(m.err()).contains("agent.yaml:1: expected a mapping").contains("(ignored");
    assertThat(run("send", dir.toString(), "Hi").code()).isOne();
  }
}
