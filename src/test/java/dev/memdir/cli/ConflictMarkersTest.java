package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a person sees while a plain git merge left conflict markers in the agent's files. */
class ConflictMarkersTest {
  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void init() {
    dir = tmp.resolve("ada");
    assertThat(CliTest.run("init", dir.toString()).code()).isZero();
  }

  private void historyWithConflict() throws Exception {
    String a =
        "{\"v\":1,\"id\":\"01JDQ0000000000000000000A1\",\"ts\":\"2026-11-26T10:00:00Z\","
            + "\"role\":\"user\",\"content\":\"hi\"}";
    String b =
        "{\"v\":1,\"id\":\"01JDQ0000000000000000000B1\",\"ts\":\"2026-11-26T10:01:00Z\","
            + "\"role\":\"user\",\"content\":\"ours\"}";
    String c =
        "{\"v\":1,\"id\":\"01JDQ0000000000000000000C1\",\"ts\":\"2026-11-26T10:02:00Z\","
            + "\"role\":\"user\",\"content\":\"theirs\"}";
    Files.write(
        dir.resolve("history/2026-11.jsonl"),
        List.of(a, "<<<<<<< HEAD", b, "=======", c, ">>>>>>> origin/main"));
  }

  @Test
  void validateReportsConflictMarkersInHistoryAsSuchNotAsBadJson() throws Exception {
    historyWithConflict();
    CliTest.Result r = CliTest.run("validate", dir.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out() + r.err())
        .contains("history/2026-11.jsonl:2: git conflict marker")
        .contains("history/2026-11.jsonl:4: git conflict marker")
        .contains("history/2026-11.jsonl:6: git conflict marker")
        .doesNotContain("not JSON");
  }

  @Test
  void showDoesNotCountConflictMarkersAsMessages() throws Exception {
    historyWithConflict();
    CliTest.Result r = CliTest.run("show", dir.toString());
    assertThat(r.out()).contains("history records: 3");
  }

  @Test
  void validateReportsConflictMarkersInAMemoryBlockAndInAgentYaml() throws Exception {
    Path human = dir.resolve("memory/human.md");
    Files.writeString(
        human,
        Files.readString(human) + "<<<<<<< HEAD\nLikes tea.\n=======\nLikes coffee.\n>>>>>>> b\n");
    Files.writeString(
        dir.resolve("agent.yaml"),
        Files.readString(dir.resolve("agent.yaml")) + "<<<<<<< HEAD\n=======\n>>>>>>> b\n");
    CliTest.Result r = CliTest.run("validate", dir.toString());
    assertThat(r.out() + r.err())
        .containsPattern("memory/human.md:\\d+: git conflict marker")
        .containsPattern("agent.yaml:\\d+: git conflict marker");
  }
}
