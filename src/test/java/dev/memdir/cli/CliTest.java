package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir Path tmp;
  Path dir;

  record Result(int code, String out, String err) {}

  static Result runWithInput(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintWriter(out),
            new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  static Result run(String... args) {
    return runWithInput("", args);
  }

  @BeforeEach
  void init() {
    dir = tmp.resolve("ada");
    Result r =
        run(
            "init",
            dir.toString(),
            "--name",
            "ada",
            "--human",
            "Name: Ada",
            "--model",
            "anthropic/claude-x");
    assertThat(r.code()).as(r.err()).isZero();
  }

  @Test
  void showPrintsBlocksCountsAndModel() {
    Result r = run("show", dir.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("model: anthropic/claude-x")
        .contains("  human        9 / 5000 chars")
        .contains("history records: 0")
        .contains("archival facts: 0")
        .contains("files: 0");
    Result j = run("show", dir.toString(), "--json");
    assertThat(j.out()).contains("\"label\" : \"human\"").contains("\"chars\" : 9");
  }

  @Test
  void memoryCommandsEditTheBlockFile() throws Exception {
    assertThat(run("memory", "append", dir.toString(), "human", "Likes tea").code()).isZero();
    assertThat(run("memory", "replace", dir.toString(), "human", "tea", "green tea").code())
        .isZero();
    assertThat(run("memory", "insert", dir.toString(), "human", "# About", "--line", "0").code())
        .isZero();
    assertThat(run("memory", dir.toString(), "human").out())
        .isEqualTo("# About\nName: Ada\nLikes green tea\n");
    assertThat(
            runWithInput("First\nSecond\n", "memory", "set", dir.toString(), "human", "-").code())
        .isZero();
    assertThat(Files.readString(dir.resolve("memory/human.md"))).endsWith("---\nFirst\nSecond\n");
    assertThat(
            run(
                    "memory",
                    "create",
                    dir.toString(),
                    "project",
                    "--description",
                    "Work",
                    "--limit",
                    "50")
                .code())
        .isZero();
    assertThat(run("memory", dir.toString(), "--json").out()).contains("\"label\" : \"project\"");
    assertThat(run("memory", "delete", dir.toString(), "project").code()).isZero();
    assertThat(dir.resolve("memory/project.md")).doesNotExist();
  }

  @Test
  void failuresExitOneWithAMessageAndUsageErrorsExitTwo() {
    Result r = run("memory", "replace", dir.toString(), "human", "nope", "x");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo("memdir: old text not found in block 'human'; copy it exactly from the block\n");
    Result big = run("memory", "append", dir.toString(), "human", "x".repeat(5000));
    assertThat(big.code()).isEqualTo(1);
    assertThat(big.err()).contains("would hold 5010 / 5000 chars");
    assertThat(run("memory", "append", dir.toString()).code()).isEqualTo(2);
    assertThat(run("frobnicate").code()).isEqualTo(2);
    assertThat(run("memory", "create", dir.toString(), "x", "--limit", "lots").code()).isEqualTo(2);
    Result notAgent = run("show", tmp.toString());
    assertThat(notAgent.code()).isEqualTo(1);
    assertThat(notAgent.err()).startsWith("memdir: not an agent directory:");
  }

  @Test
  void archivalCommandsAddListGetDelete() {
    Result add =
        run(
            "archival",
            "add",
            dir.toString(),
            "Ada prefers green tea.",
            "--tag",
            "prefs",
            "--tag",
            "drinks");
    assertThat(add.code()).as(add.err()).isZero();
    String id = add.out().strip();
    assertThat(id).matches("\\d{4}-\\d{2}-\\d{2}-ada-prefers-green-tea-[0-9a-f]{6}");
    assertThat(run("archival", "list", dir.toString()).out())
        .isEqualTo(id + "  [prefs, drinks] Ada prefers green tea.\n");
    assertThat(run("archival", "get", dir.toString(), id).out())
        .isEqualTo("Ada prefers green tea.\n");
    assertThat(run("archival", "get", dir.toString(), id, "--json").out())
        .contains("\"tags\" : [ \"prefs\", \"drinks\" ]");
    assertThat(run("archival", "delete", dir.toString(), id).code()).isZero();
    Result gone = run("archival", "get", dir.toString(), id);
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).isEqualTo("memdir: no archival fact with id '" + id + "'\n");
  }

  @Test
  void validateExitsOneOnErrorsAndZeroOnWarnings() throws Exception {
    Files.writeString(dir.resolve("memory/odd.md"), "---\ncolour: red\n---\nx\n");
    Result warn = run("validate", dir.toString());
    assertThat(warn.code()).isZero();
    assertThat(warn.out()).contains("memory/odd.md:2: warning: front matter: unknown key 'colour'");
    Files.writeString(dir.resolve("memory/bad.md"), "---\nlimit: [\n---\nx\n");
    Result err = run("validate", dir.toString());
    assertThat(err.code()).isEqualTo(1);
    assertThat(err.out()).containsPattern("(?m)^memory/bad\\.md:\\d+: invalid YAML");
    assertThat(run("validate", dir.toString(), "--json").out()).contains("\"ok\" : false");
  }

  @Test
  void versionAndHelpWork() {
    assertThat(run("--version").out()).startsWith("memdir ");
    for (String cmd : new String[] {"init", "show", "validate", "memory", "archival"}) {
      Result r = run(cmd, "--help");
      assertThat(r.code()).as(cmd).isZero();
      assertThat(r.out()).as(cmd).contains("Usage: memdir " + cmd);
    }
    assertThat(run("memory", "append", "--help").out()).contains("Usage: memdir memory append");
  }
}
