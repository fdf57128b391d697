package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.ToolException;
import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrepTest {
  @TempDir Path tmp;
  Path agent;
  Search search;

  @BeforeEach
  void setUp() {
    agent = Fixtures.conversationAgent(tmp);
    Layout layout = Layout.of(agent);
    search =
        Search.open(
            layout, SearchSettings.defaults(), new ArchivalStore(layout, Clock.systemUTC()));
  }

  static String lineNumbers(Grep.Compiled c, String text) {
    Grep.Collector col =
        new Grep.Collector(
            0, Integer.MAX_VALUE - 1, 0, new Grep.Work(Long.MAX_VALUE, Long.MAX_VALUE / 2));
    c.scan("f", text, col);
    return col.matches.stream().map(m -> m.line() + ",").collect(Collectors.joining());
  }

  private GrepPage grep(String pattern) {
    return search.grepFiles(pattern, Optional.empty(), 0, 0, false);
  }

  private static java.util.List<String> where(GrepPage p) {
    return p.matches().stream().map(m -> m.file() + ":" + m.line()).toList();
  }

  @Test
  void aLiteralFindsEveryLineThatContainsItByFileThenLine() {
    GrepPage p = grep("lake");
    assertThat(where(p))
        .containsExactly(
            "notes.md:8",
            "session-01_2023-05-08.md:9",
            "session-01_2023-05-08.md:12",
            "session-02_2023-06-20.md:8");
    assertThat(p.matches().get(0).text())
        .isEqualTo("The lake behind the house freezes in January.");
    assertThat(p.nextOffset()).isEmpty();
    assertThat(p.notes()).isEmpty();
  }

  @Test
  void aRegularExpressionMatchesPerLine() {
    assertThat(where(grep("^Nadia: I \\w+ (to|up)")))
        .containsExactly("session-01_2023-05-08.md:13", "session-02_2023-06-20.md:11");
    assertThat(where(grep("college\\?$"))).containsExactly("session-02_2023-06-20.md:12");
  }

  @Test
  void ignoreCaseMatchesAnyCase() {
    assertThat(where(search.grepFiles("TOMATOES", Optional.empty(), 0, 0, true)))
        .containsExactly("notes.md:3", "notes.md:6");
    assertThat(where(grep("TOMATOES"))).isEmpty();
  }

  @Test
  void contextLinesComeBeforeAndAfterEachMatch() {
    GrepPage p = search.grepFiles("Basil", Optional.empty(), 2, 0, false);
    GrepMatch m = p.matches().get(0);
    assertThat(m.before())
        .containsExactly(
            new GrepMatch.ContextLine(4, "Water them in the morning."),
            new GrepMatch.ContextLine(5, ""));
    assertThat(m.after())
        .containsExactly(
            new GrepMatch.ContextLine(7, ""),
            new GrepMatch.ContextLine(8, "The lake behind the house freezes in January."));
    assertThat(m.render())
        .isEqualTo(
            "notes.md-4-Water them in the morning.\n"
                + "notes.md-5-\n"
                + "notes.md:6:Basil grows well next to tomatoes.\n"
                + "notes.md-7-\n"
                + "notes.md-8-The lake behind the house freezes in January.");
  }

  @Test
  void includeLimitsTheFiles() {
    assertThat(where(search.grepFiles("lake", Optional.of("session-*"), 0, 0, false)))
        .containsExactly(
            "session-01_2023-05-08.md:9",
            "session-01_2023-05-08.md:12",
            "session-02_2023-06-20.md:8");
    assertThat(where(search.grepFiles("lake", Optional.of("*.txt"), 0, 0, false))).isEmpty();
  }

  @Test
  void matchesComeTwentyToAPageWithTheOffsetOfTheNext() {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 45; i++) {
      sb.append("item ").append(i).append('\n');
    }
    Fixtures.write(agent.resolve("files/list.txt"), sb.toString());
    GrepPage first = search.grepFiles("^item", Optional.empty(), 0, 0, false);
    assertThat(first.matches()).hasSize(20);
    assertThat(first.nextOffset()).hasValue(20);
    GrepPage third = search.grepFiles("^item", Optional.empty(), 0, 40, false);
    assertThat(where(third))
        .containsExactly("list.txt:41", "list.txt:42", "list.txt:43", "list.txt:44", "list.txt:45");
    assertThat(third.nextOffset()).isEmpty();
    assertThat(third.render()).startsWith("list.txt:41:item 41\n");
  }

  @Test
  void hugeOffsetsAndContextsAreCapped() {
    GrepPage p = search.grepFiles("lake", Optional.empty(), 1_000_000, Integer.MAX_VALUE, false);
    assertThat(p.matches()).isEmpty();
    assertThat(p.notes())
        .containsExactly(
            "context_lines 1000000 capped at 10",
            "offset 2147483647 capped at 1000000",
            "there are only 4 matches; offset 1000000 is past them");
    assertThatThrownBy(() -> search.grepFiles("lake", Optional.empty(), -1, 0, false))
        .hasMessage("context_lines must be 0 or more, got -1");
    assertThatThrownBy(() -> search.grepFiles("lake", Optional.empty(), 0, -5, false))
        .hasMessage("offset must be 0 or more, got -5");
  }

  @Test
  void anInvalidRegularExpressionGivesAClearError() {
    assertThatThrownBy(() -> grep("(unclosed"))
        .isInstanceOf(ToolException.class)
        .hasMessage(
            "invalid regular expression '(unclosed': missing closing ) (RE2 syntax: no"
                + " look-around or back-references; escape ( [ { . * + ? with \\)");
    assertThatThrownBy(() -> grep("(?<=a)b"))
        .isInstanceOf(ToolException.class)
        .hasMessageStartingWith("invalid regular expression '(?<=a)b': ");
    assertThatThrownBy(() -> grep(""))
        .hasMessage("pattern is empty; give a regular expression or a word to find");
  }

  @Test
  void aCatastrophicPatternOverAHundredKilobyteLineRunsInLinearTime() {
    // With a backtracking engine (a+)+$ over "aaa…ab" takes longer than the universe;
    // the timeout only guards against a hang, it measures nothing.
    Fixtures.write(agent.resolve("files/long.txt"), "a".repeat(100_000) + "b\n");
    GrepPage p =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> grep("(a+)+$"));
    assertThat(p.matches()).isEmpty();
    GrepPage q =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> grep("(a+)+b$"));
    assertThat(where(q)).containsExactly("long.txt:1");
    assertThat(q.matches().get(0).text()).hasSize(Grep.MAX_SHOWN_LINE + 1).endsWith("a…");
  }

  @Test
  void binaryFilesAreSkippedWithANote() throws IOException {
    Files.write(agent.resolve("files/photo.jpg"), new byte[] {'l', 'a', 'k', 'e', 0, 1, 2});
    Files.write(agent.resolve("files/old.txt"), new byte[] {'l', 'a', 'k', 'e', (byte) 0xE9});
    GrepPage p = grep("lake");
    assertThat(p.matches()).hasSize(4);
    assertThat(p.notes())
        .containsExactly(
            "skipped files/old.txt: not UTF-8 text", "skipped binary file files/photo.jpg");
  }

  @Test
  void renderingSaysWhenThereIsNothingAndWhereTheNextPageStarts() {
    assertThat(grep("xylophone").render()).isEqualTo("no matches");
  }

  @Test
  void nestedCountedRepetitionsAreRefusedBeforeTheyAreCompiled() {
    // RE2J expands each count while compiling: this was a billion instructions and 6 GB.
    Fixtures.write(agent.resolve("files/six.txt"), "aaaaa\n");
    assertThatThrownBy(
            () ->
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    Duration.ofSeconds(20), () -> grep("(((a{1000}){1000}){1000})")))
        .isInstanceOf(ToolException.class)
        .hasMessageStartingWith("pattern too large: '(a{1000}){1000}' expands to about 2,")
        .hasMessageContaining("over the limit of 10,000");
  }

  @Test
  void aPatternTooCostlyForALongLineStopsWithThePageSoFarAndANote() {
    // (a{40}){100}b keeps thousands of NFA threads alive on every 'a': 2 MB took minutes.
    Fixtures.write(agent.resolve("files/a-first.txt"), "a".repeat(4_000) + "b\n");
    Fixtures.write(agent.resolve("files/big.txt"), "a".repeat(2_000_000) + "\n");
    Fixtures.write(agent.resolve("files/z-last.txt"), "a".repeat(4_000) + "b\n");
    GrepPage p =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> grep("(a{40}){100}b"));
    assertThat(where(p)).containsExactly("a-first.txt:1");
    assertThat(p.nextOffset()).isEmpty();
    assertThat(p.notes())
        .singleElement()
        .asString()
        .startsWith(
            "grep stopped at files/big.txt line 1: this pattern on that text would need more than"
                + " the work limit of one line (characters x pattern size, 2,000,000,000)")
        .contains("matches after it were not looked for");
  }

  @Test
  void aCallOverItsTimeStopsBetweenFilesWithANote() {
    Grep slow = new Grep(new FilesRoot(Layout.of(agent)), Long.MAX_VALUE, 0);
    GrepPage p = slow.run("lake", Optional.empty(), 0, 0, false);
    assertThat(p.matches()).isEmpty();
    assertThat(p.notes())
        .containsExactly(
            "grep stopped at files/notes.md after 1 s, the time limit of one call; matches after"
                + " it were not looked for; simplify the pattern or narrow include");
  }

  @Test
  void aCallOverItsWorkBudgetStopsWithThePageSoFar() {
    // notes.md (about 150 bytes) fits in the budget; the first session log does not.
    Grep small = new Grep(new FilesRoot(Layout.of(agent)), 400, Grep.DEADLINE_NANOS);
    GrepPage p = small.run("lake", Optional.empty(), 0, 0, false);
    assertThat(where(p)).containsExactly("notes.md:8");
    assertThat(p.nextOffset()).isEmpty();
    assertThat(p.notes())
        .containsExactly(
            "grep stopped at files/session-01_2023-05-08.md: this pattern on that text would need"
                + " more than the work limit of one call (characters x pattern size, 400); matches"
                + " after it were not looked for; simplify the pattern or narrow include");
  }

  @Test
  void ordinaryPatternsAreFarUnderTheProgramLimit() {
    for (String ok :
        new String[] {
          "zqxjlokyr",
          "\\b[0-9]{5}-[0-9]{3}\\b",
          "zqxj\\w+yr",
          "a{1000}",
          "(?i)(ab|cd){10}",
          "\\Q(a{1000}){1000}\\E",
          "[a{1000}]{3}",
          "x\\{1000}"
        }) {
      assertThat(ProgramSize.of(ok)).as(ok).isLessThan(ProgramSize.MAX_INSTRUCTIONS / 4);
    }
    assertThatThrownBy(() -> ProgramSize.of("(a{100}|b){100}"))
        .hasMessageStartingWith("pattern too large: '(a{100}|b){100}'");
    assertThatThrownBy(() -> ProgramSize.of("x".repeat(10) + "(".repeat(150) + ")".repeat(150)))
        .hasMessage("pattern nests groups more than 100 deep at char 110; simplify the pattern");
  }
}
