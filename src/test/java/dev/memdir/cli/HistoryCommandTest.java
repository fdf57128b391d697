package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.format.Layout;
import dev.memdir.format.WriteLock;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCommandTest {
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
    assertThat(run("init", dir.toString()).code()).isZero();
  }

  @Test
  void appendPrintsTheNewIdAndHistoryPrintsTheLastRecords() {
    Result a =
        run(
            "history",
            "append",
            dir.toString(),
            "--role",
            "user",
            "--ts",
            "2026-11-26T08:30:00Z",
            "Hi there");
    assertThat(a.code()).as(a.err()).isZero();
    assertThat(a.out()).matches("[0-9A-HJKMNP-TV-Z]{26}\n");
    run(
        "history",
        "append",
        dir.toString(),
        "--role",
        "assistant",
        "--ts",
        "2026-11-26T08:30:02Z",
        "Hello!\nHow can I help?");
    run(
        "history",
        "append",
        dir.toString(),
        "--role",
        "user",
        "--ts",
        "2026-11-26T08:31:00Z",
        "Tea?");
    assertThat(run("history", dir.toString()).out())
        .isEqualTo(
            "2026-11-26T08:30:00Z      user       Hi there\n"
                + "2026-11-26T08:30:02Z      assistant  Hello!\n"
                + "                                     How can I help?\n"
                + "2026-11-26T08:31:00Z      user       Tea?\n");
    assertThat(run("history", dir.toString(), "--tail", "1").out())
        .isEqualTo("2026-11-26T08:31:00Z      user       Tea?\n");
    Result json = run("history", dir.toString(), "--tail", "1", "--json");
    assertThat(json.out())
        .contains("\"role\" : \"user\"")
        .contains("\"content\" : \"Tea?\"")
        .contains("\"id\" : \"");
    assertThat(run("show", dir.toString()).out()).contains("history records: 3");
  }

  @Test
  void anOldTimeGoesToItsMonthAndOffsetsBecomeUtc() {
    assertThat(
            run(
                    "history",
                    "append",
                    dir.toString(),
                    "--role",
                    "user",
                    "--ts",
                    "2024-03-01T00:30:00+02:00",
                    "old")
                .code())
        .isZero();
    assertThat(dir.resolve("history/2024-02.jsonl")).exists();
    assertThat(run("history", dir.toString(), "--json").out())
        .contains("\"ts\" : \"2024-02-29T22:30:00Z\"");
  }

  @Test
  void badArgumentsAreUsageErrors() {
    Result ts =
        run("history", "append", dir.toString(), "--role", "user", "--ts", "yesterday", "x");
    assertThat(ts.code()).isEqualTo(2);
    assertThat(ts.err())
        .contains(
            "Invalid value for option '--ts': 'yesterday' is not an ISO-8601 time like"
                + " 2026-11-26T08:30:00Z");
    Result role = run("history", "append", dir.toString(), "--role", "User!", "x");
    assertThat(role.code()).isEqualTo(2);
    assertThat(role.err()).contains("--role: invalid role \"User!\"");
    assertThat(run("history", "append", dir.toString(), "x").code()).isEqualTo(2);
    assertThat(run("history", dir.toString(), "--tail", "-1").code()).isEqualTo(2);
    Result wait = run("memory", "append", dir.toString(), "human", "x", "--wait", "-1");
    assertThat(wait.code()).isEqualTo(2);
    assertThat(wait.err()).contains("option '--wait': must be from 0 to 86400, got '-1'");
    assertThat(run("history").code()).isEqualTo(2);
  }

  @Test
  void anUnknownRoleIsAppendedWithAWarning() {
    Result r = run("history", "append", dir.toString(), "--role", "narrator", "Once upon a time");
    assertThat(r.code()).isZero();
    assertThat(r.err())
        .isEqualTo(
            "memdir: warning: unknown role 'narrator' (known: system, user, assistant, tool,"
                + " summary, event); appended as is\n");
    assertThat(run("validate", dir.toString()).out()).contains("warning: unknown role 'narrator'");
  }

  @Test
  void everyWriteCommandWaitsThenFailsWhileAnotherWriterHoldsTheAgent() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () -> {
              try (WriteLock.Hold h = WriteLock.of(Layout.of(dir), Duration.ZERO).acquire()) {
                held.countDown();
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    holder.start();
    held.await();
    try {
      String busy =
          "memdir: agent is in use by process "
              + ProcessHandle.current().pid()
              + ", another thread of this one (waited 0.100 s for .memdir/lock)\n";
      String[][] writes = {
        {"memory", "append", dir.toString(), "human", "x"},
        {"memory", "replace", dir.toString(), "human", "Nothing", "x"},
        {"memory", "insert", dir.toString(), "human", "x"},
        {"memory", "set", dir.toString(), "human", "x"},
        {"memory", "create", dir.toString(), "project"},
        {"memory", "delete", dir.toString(), "human"},
        {"archival", "add", dir.toString(), "A fact."},
        {"history", "append", dir.toString(), "--role", "user", "x"},
      };
      for (String[] w : writes) {
        String[] args = java.util.Arrays.copyOf(w, w.length + 2);
        args[w.length] = "--wait";
        args[w.length + 1] = "0.1";
        Result r = run(args);
        assertThat(r.code()).as(String.join(" ", w)).isEqualTo(1);
        assertThat(r.err()).as(String.join(" ", w)).isEqualTo(busy);
      }
      // Readers never wait.
      assertThat(run("history", dir.toString()).code()).isZero();
      assertThat(run("memory", dir.toString(), "human").code()).isZero();
    } finally {
      release.countDown();
      holder.join();
    }
    assertThat(Files.readString(dir.resolve("memory/human.md"))).doesNotContain("\nx\n");
    assertThat(run("memory", "append", dir.toString(), "human", "x").code()).isZero();
  }

  @Test
  void helpDescribesTheHistoryCommands() {
    assertThat(run("history", "--help").out()).contains("Usage: memdir history").contains("--tail");
    assertThat(run("history", "append", "--help").out())
        .contains("Usage: memdir history append")
        .contains("--wait=SECONDS");
  }
}
