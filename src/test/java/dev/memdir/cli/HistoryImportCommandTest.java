package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryImportCommandTest {
  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void init() {
    dir = tmp.resolve("ada");
    assertThat(CliTest.run("init", dir.toString()).code()).isZero();
  }

  private Path file(String text) throws Exception {
    Path f = tmp.resolve("messages.jsonl");
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  private long messages() {
    String out = CliTest.run("show", dir.toString()).out();
    return Long.parseLong(
        out.lines()
            .filter(l -> l.startsWith("history records: "))
            .findFirst()
            .orElseThrow()
            .substring("history records: ".length()));
  }

  @Test
  void importAppendsEveryLineInFileOrderWithItsTime() throws Exception {
    Path f =
        file(
            "{\"role\":\"user\",\"content\":\"Where is the thesis?\",\"ts\":\"2026-10-02T10:00:00Z\"}\n"
                + "\n"
                + "{\"v\":1,\"id\":\"01OLDID\",\"role\":\"assistant\",\"content\":\"Chapter 3.\","
                + "\"ts\":\"2026-10-02T10:00:05Z\"}\n"
                + "{\"role\":\"user\",\"content\":\"Thanks\"}");
    CliTest.Result r = CliTest.run("history", "import", dir.toString(), f.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("3 of 3 messages appended\n");
    String json = CliTest.run("history", dir.toString(), "--json").out();
    assertThat(json.indexOf("Where is the thesis?"))
        .isLessThan(json.indexOf("Chapter 3."))
        .isLessThan(json.indexOf("Thanks"));
    assertThat(json).doesNotContain("01OLDID");
    assertThat(Files.readString(dir.resolve("history/2026-10.jsonl")))
        .contains("Where is the thesis?")
        .contains("Chapter 3.");
    assertThat(messages()).isEqualTo(3);
    assertThat(CliTest.run("validate", dir.toString()).code()).isZero();
  }

  @Test
  void aWrongLineIsReportedWithFileAndLineAndNothingIsAppended() throws Exception {
    String good = "{\"role\":\"user\",\"content\":\"fine\"}\n";
    String[][] cases = {
      {"{\"role\":\"user\",\"content\":\"cut", "2: not JSON"},
      {"[1,2]", "2: expected a JSON object like"},
      {"{\"content\":\"no role\"}", "2: a message needs a text 'role'"},
      {"{\"role\":\"User!\",\"content\":\"x\"}", "2: invalid role \"User!\""},
      {"{\"role\":\"user\"}", "2: missing 'content' (text)"},
      {"{\"role\":\"user\",\"content\":42}", "2: 'content' must be text, got 42"},
      {
        "{\"role\":\"user\",\"content\":\"x\",\"ts\":\"yesterday\"}",
        "2: 'ts' must be an ISO-8601 time"
      },
    };
    for (String[] c : cases) {
      Path f = file(good + c[0] + "\n" + good);
      CliTest.Result r = CliTest.run("history", "import", dir.toString(), f.toString());
      assertThat(r.code()).as(c[0]).isEqualTo(1);
      assertThat(r.err()).as(c[0]).startsWith("memdir: " + f + ":" + c[1]);
      assertThat(messages()).as(c[0]).isZero();
    }
  }

  @Test
  void aLineOverTheCapIsRefusedWithItsLine() throws Exception {
    Path f = tmp.resolve("big.jsonl");
    Files.writeString(
        f,
        "{\"role\":\"user\",\"content\":\"fine\"}\n{\"role\":\"user\",\"content\":\""
            + "x".repeat(dev.memdir.history.HistoryLog.MAX_LINE_BYTES)
            + "\"}\n");
    CliTest.Result r = CliTest.run("history", "import", dir.toString(), f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("memdir: " + f + ":2: a line may be at most 16777216 bytes");
    assertThat(messages()).isZero();
  }

  @Test
  void importingTwiceAppendsTwiceAndUnknownRolesAreKeptWithAWarning() throws Exception {
    Path f = file("{\"role\":\"narrator\",\"content\":\"Once upon a time\"}\n");
    CliTest.Result first = CliTest.run("history", "import", dir.toString(), f.toString());
    assertThat(first.code()).isZero();
    assertThat(first.err()).contains("warning: unknown role 'narrator'");
    assertThat(CliTest.run("history", "import", dir.toString(), f.toString()).code()).isZero();
    assertThat(messages()).isEqualTo(2);
  }

  @Test
  void aMissingFileIsAnErrorNamingIt() {
    Path f = tmp.resolve("nope.jsonl");
    CliTest.Result r = CliTest.run("history", "import", dir.toString(), f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("memdir: cannot read " + f + ": no such file\n");
  }

  @Test
  void withGitAutocommitTheImportIsOneCommit() throws Exception {
    Path g = tmp.resolve("versioned");
    assertThat(CliTest.run("init", g.toString(), "--git").code()).isZero();
    Path f = file("{\"role\":\"user\",\"content\":\"a\"}\n{\"role\":\"user\",\"content\":\"b\"}\n");
    assertThat(CliTest.run("history", "import", g.toString(), f.toString()).code()).isZero();
    String log = CliTest.run("log", g.toString()).out();
    assertThat(log).contains("history import");
    assertThat(log.lines().filter(l -> l.contains("history import")).count()).isEqualTo(1);
  }
}
