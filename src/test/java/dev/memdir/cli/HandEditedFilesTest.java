package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on an agent directory a person has edited by hand, mistakes included. */
class HandEditedFilesTest {
  @TempDir Path tmp;
  Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args,
            new ByteArrayInputStream(new byte[0]),
            new PrintWriter(out),
            new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
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
    Result h = run("history", dir.toString());
    assertThat(h.code()).as(h.err()).isZero();
    assertThat(h.out()).contains("[content is not text] {\"note\":\"kept by hand\"}");
    Result c = run("context", dir.toString());
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("[content is not text] {\"note\":\"kept by hand\"}");
    Result v = run("validate", dir.toString());
    assertThat(v.code()).isOne();
    assertThat(v.out() + v.err())
        .contains("history/2026-11.jsonl:1: 'content' must be a string, got an object");
  }

  @Test
  void validateReportsAHandWrittenFactOverTheCap() throws Exception {
    String text = "word ".repeat(4691) + "end";
    Files.writeString(dir.resolve("archival/long.md"), "---\ntags: [notes]\n---\n" + text + "\n");
    Result v = run("validate", dir.toString());
    assertThat(v.code()).isOne();
    assertThat(v.out() + v.err())
        .contains(
            "archival/long.md:4: fact is 23,458 chars, over the 20,000-char cap;"
                + " split it into smaller facts");
    Result list = run("archival", "get", dir.toString(), "long");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("end");
  }
}
