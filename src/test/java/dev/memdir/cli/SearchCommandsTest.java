package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchCommandsTest {
  @TempDir Path tmp;
  Path dir;
  String d;

  @BeforeEach
  void init() throws Exception {
    dir = tmp.resolve("ada");
    assertThat(CliTest.run("init", dir.toString()).code()).isZero();
    d = dir.toString();
    Files.writeString(
        dir.resolve("files/session-01_2023-05-08.md"),
        "---\nkind: conversation\nsession: 1\ndate: 2023-05-08\nparticipants: [Ann, Bob]\n---\n"
            + "Ann: We went to the lake.\nBob: Was the water cold?\nAnn: Freezing, but lovely.\n");
    Files.writeString(
        dir.resolve("files/notes.md"), "Buy milk.\n\nCall the plumber about the lake house.\n");
  }

  private static JsonNode json(CliTest.Result r) throws Exception {
    assertThat(r.code()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void searchPrintsRankedPassagesAndJson() throws Exception {
    CliTest.Result r = CliTest.run("search", d, "lake", "--limit", "2");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith("notes.md:3 score ")
        .contains("Call the plumber about the lake house.");
    assertThat(r.err())
        .isEqualTo("note: rebuilding the search index: .memdir/index/main is missing\n");
    // "cold", not "cold water": Ann's "lake" has WordNet's "body of water" among its hypernyms
    // (docs/SEARCH.md), which lifts her turn over Bob's for "water" and so holds the boost back.
    JsonNode j = json(CliTest.run("search", d, "cold", "--speaker", "Bob", "--json"));
    assertThat(j.get("hits").get(0).get("file").asText()).isEqualTo("session-01_2023-05-08.md");
    assertThat(j.get("hits").get(0).get("start_line").asInt()).isEqualTo(8);
    assertThat(j.get("hits").get(0).get("speaker").asText()).isEqualTo("Bob");
    assertThat(j.get("hits").get(0).get("date").asText()).isEqualTo("2023-05-08");
    assertThat(j.get("notes")).isEmpty();
  }

  @Test
  void searchWithOnlyStopWordsExplainsItself() {
    CliTest.Result r = CliTest.run("search", d, "what is it");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("no passage found\n");
    assertThat(r.err()).startsWith("note: the query \"what is it\" has only common words");
  }

  @Test
  void grepPrintsFileLineMatchesAndPages() throws Exception {
    CliTest.Result r = CliTest.run("grep", d, "LAKE", "--ignore-case");
    assertThat(r.out())
        .isEqualTo(
            "notes.md:3:Call the plumber about the lake house.\n"
                + "session-01_2023-05-08.md:7:Ann: We went to the lake.\n");
    JsonNode j =
        json(CliTest.run("grep", d, "lake", "--include", "*.md", "--context", "1", "--json"));
    assertThat(j.get("matches")).hasSize(2);
    assertThat(j.get("matches").get(0).get("before").get(0).get("line").asInt()).isEqualTo(2);
    assertThat(j.get("next_offset").isNull()).isTrue();
    CliTest.Result bad = CliTest.run("grep", d, "(");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).startsWith("memdir: invalid regular expression '(': missing closing )");
  }

  @Test
  void openShowsAWindowAndCloseClosesIt() throws Exception {
    CliTest.Result r = CliTest.run("open", d, "notes.md", "--offset", "3", "--length", "1");
    assertThat(r.out())
        .isEqualTo("[notes.md lines 3–3 of 3]\n3: Call the plumber about the lake house.\n");
    assertThat(Files.readString(dir.resolve(".memdir/windows.json"))).contains("\"notes.md\"");
    JsonNode j = json(CliTest.run("open", d, "session-01_2023-05-08.md", "--json"));
    assertThat(j.get("windows").get(0).get("header").asText())
        .isEqualTo("[session-01_2023-05-08.md lines 1–9 of 9]");
    CliTest.Result c = CliTest.run("close", d, "notes.md", "other.md");
    assertThat(c.out()).isEqualTo("closed notes.md\n");
    assertThat(c.err()).isEqualTo("note: other.md was not open\n");
  }

  @Test
  void pathsOutsideFilesAreRefusedWithExitCodeOne() {
    for (String bad : new String[] {"../agent.yaml", "/etc/passwd", ".memdir/windows.json"}) {
      CliTest.Result r = CliTest.run("open", d, bad);
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).startsWith("memdir: file_name '" + bad + "'");
    }
  }

  @Test
  void archivalSearchFindsFactsByWordsTagsAndTime() throws Exception {
    assertThat(CliTest.run("archival", "add", d, "Ada prefers green tea", "--tag", "prefs").code())
        .isZero();
    assertThat(CliTest.run("archival", "add", d, "Ada's bike is blue").code()).isZero();
    CliTest.Result r = CliTest.run("archival", "search", d, "tea");
    assertThat(r.out()).contains("Ada prefers green tea").doesNotContain("bike");
    JsonNode j = json(CliTest.run("archival", "search", d, "", "--tag", "prefs", "--json"));
    assertThat(j.get("hits")).hasSize(1);
    assertThat(j.get("hits").get(0).get("tags").get(0).asText()).isEqualTo("prefs");
    CliTest.Result bad = CliTest.run("archival", "search", d, "tea", "--start", "yesterday");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err())
        .startsWith("Invalid value for option '--start': 'yesterday' is not an ISO-8601 date");
  }

  @Test
  void reindexSaysWhatItIndexed() throws Exception {
    CliTest.Result r = CliTest.run("reindex", d);
    assertThat(r.out()).startsWith("indexed 2 files (5 passages), 0 facts, 0 messages in ");
    JsonNode j = json(CliTest.run("reindex", d, "--json"));
    assertThat(j.get("passages").asInt()).isEqualTo(5);
  }

  @Test
  void historySearchFindsPastMessages() throws Exception {
    assertThat(
            CliTest.run("history", "append", d, "--role", "user", "I adopted a dog named Biscuit")
                .code())
        .isZero();
    assertThat(
            CliTest.run("history", "append", d, "--role", "assistant", "What a lovely name").code())
        .isZero();
    CliTest.Result r = CliTest.run("history", "search", d, "biscuit dog");
    assertThat(r.code()).as(r.err()).isZero();
    // The reply is found too, through the words of the message before it, which it is indexed
    // with (search.window, docs/SEARCH.md).
    assertThat(r.out())
        .contains("] user: I adopted a dog named Biscuit")
        .contains("] assistant: What a lovely name");
    JsonNode j = json(CliTest.run("history", "search", d, "", "--role", "assistant", "--json"));
    assertThat(j.get("hits")).hasSize(1);
    assertThat(j.get("hits").get(0).get("content").asText()).isEqualTo("What a lovely name");
    CliTest.Result bad = CliTest.run("history", "search", d, "dog", "--role", "robot");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).startsWith("memdir: unknown role 'robot'");
  }

  @Test
  void everySearchWithNoHitsSaysSo() {
    assertThat(CliTest.run("history", "append", d, "--role", "user", "hello").code()).isZero();
    assertThat(CliTest.run("archival", "add", d, "Ada likes tea").code()).isZero();
    CliTest.Result files = CliTest.run("search", d, "zeppelin");
    assertThat(files.out()).isEqualTo("no passage found\n");
    CliTest.Result grep = CliTest.run("grep", d, "zeppelin");
    assertThat(grep.out()).isEqualTo("no matches\n");
    CliTest.Result history = CliTest.run("history", "search", d, "zeppelin");
    assertThat(history.out()).isEqualTo("no message found\n");
    CliTest.Result facts = CliTest.run("archival", "search", d, "zeppelin");
    assertThat(facts.out()).isEqualTo("no fact found\n");
    for (CliTest.Result r : new CliTest.Result[] {files, grep, history, facts}) {
      assertThat(r.code()).as(r.err()).isZero();
    }
  }

  @Test
  void archivalSearchSaysWhetherTheTagOrTheQueryFoundNothing() {
    assertThat(CliTest.run("archival", "add", d, "Bob is a friend", "--tag", "people").code())
        .isZero();
    assertThat(CliTest.run("archival", "add", d, "Ann is a sister", "--tag", "people").code())
        .isZero();
    CliTest.Result query = CliTest.run("archival", "search", d, "thesis", "--tag", "people");
    assertThat(query.err())
        .contains(
            "note: the filter tag 'people' matched 2 facts, but none of them matches the query");
    CliTest.Result tag = CliTest.run("archival", "search", d, "friend", "--tag", "places");
    assertThat(tag.err()).contains("note: no fact matches the filter tag 'places'");
    CliTest.Result messages =
        CliTest.run("history", "search", d, "zeppelin", "--end", "2020-01-01");
    assertThat(messages.err()).contains("note: no message matches the filter until 2020-01-01");
  }
}
