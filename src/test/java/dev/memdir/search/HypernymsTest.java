package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import dev.memdir.history.Message;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HypernymsTest {
  @TempDir Path tmp;

  @Test
  void theCommittedTableIsWhatTheGeneratorWritesFromWordNet() throws Exception {
    StringBuilder generated = new StringBuilder();
    int nouns = HypernymTableGenerator.write(generated);
    String committed;
    try (InputStream in = Hypernyms.class.getResourceAsStream("hypernyms.tsv")) {
      committed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(nouns).isGreaterThan(50_000);
    // Not isEqualTo: a 3.6 MB diff would drown the report. Regenerate with the generator's main.
    assertThat(committed.equals(generated.toString()))
        .as("hypernyms.tsv is stale: run HypernymTableGenerator (see its Javadoc)")
        .isTrue();
  }

  @Test
  void aNounGetsItsFirstSensesHypernymsAndAPluralItsSingulars() {
    assertThat(Hypernyms.of("Chicago")).contains("city");
    assertThat(Hypernyms.of("surfing")).contains("sport");
    assertThat(Hypernyms.of("cities")).isEqualTo(Hypernyms.of("city")).contains("municipality");
    assertThat(Hypernyms.of("churches")).isEqualTo(Hypernyms.of("church"));
    assertThat(Hypernyms.of("xqzzy")).isNull();
    // Used far more as an adjective than as a noun ("a lovely"): no hypernyms.
    assertThat(Hypernyms.of("lovely")).isNull();
    assertThat(Hypernyms.of("great")).isNull();
    // The noun itself and the top of the tree are left out.
    assertThat(Hypernyms.of("city").split(" ")).doesNotContain("city", "entity");
  }

  @Test
  void theBinarySearchFindsEveryNounOfTheTableAndNothingElse() throws Exception {
    Map<String, String> table = new HashMap<>();
    try (InputStream in = Hypernyms.class.getResourceAsStream("hypernyms.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.startsWith("#")) {
          table.put(line.substring(0, line.indexOf('\t')), line.substring(line.indexOf('\t') + 1));
        }
      }
    }
    for (Map.Entry<String, String> e : table.entrySet()) {
      assertThat(Hypernyms.of(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder w = new StringBuilder();
      for (int n = 3 + r.nextInt(6); n > 0; n--) {
        w.append((char) ('a' + r.nextInt(26)));
      }
      String word = w.toString();
      // Singular forms are tried only when the word itself is not a noun of the table.
      String expected = table.get(word);
      if (expected == null && word.endsWith("s") && word.length() > 3) {
        expected = table.get(word.substring(0, word.length() - 1));
      }
      if (expected == null && !word.endsWith("s") && !word.endsWith("men")) {
        assertThat(Hypernyms.of(word)).as("seed %d: %s", seed, word).isNull();
      } else if (table.containsKey(word)) {
        assertThat(Hypernyms.of(word)).as("seed %d: %s", seed, word).isEqualTo(expected);
      }
    }
  }

  @Test
  void aTextGetsTheHypernymsOfEachWordOfThreeLettersOrMore() {
    String h = Hypernyms.ofText("In Chicago, I went surfing; ox");
    assertThat(h).contains("city").contains("sport");
    assertThat(h).isEqualTo(Hypernyms.of("Chicago") + " " + Hypernyms.of("surfing") + " ");
    assertThat(Hypernyms.ofText("zz qq, 42!")).isEmpty();
  }

  @Test
  void theIndexedTermsAreTheTextFormAnalysedEvenPastTheCacheLimit() throws Exception {
    // More distinct nouns than the cache keeps: the ones past the limit are analysed each time.
    List<String> nouns = new ArrayList<>();
    try (InputStream in = Hypernyms.class.getResourceAsStream("hypernyms.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.startsWith("#") && nouns.size() < Hypernyms.MAX_CACHED + 2_000) {
          nouns.add(line.substring(0, line.indexOf('\t')));
        }
      }
    }
    SearchAnalyzer analyzer = new SearchAnalyzer(SearchSettings.defaults());
    for (int round = 0; round < 2; round++) {
      for (int from = 0; from < nouns.size(); from += 1_000) {
        String text = String.join(" ", nouns.subList(from, Math.min(nouns.size(), from + 1_000)));
        List<String> indexed = new ArrayList<>();
        try (TokenStream ts = Hypernyms.stream(analyzer, MainIndex.F_HYP, text)) {
          CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
          ts.reset();
          while (ts.incrementToken()) {
            indexed.add(term.toString());
          }
          ts.end();
        }
        assertThat(indexed)
            .as("round %d, nouns %d…", round, from)
            .isEqualTo(analyzer.terms(MainIndex.F_HYP, Hypernyms.ofText(text)));
      }
    }
  }

  private static final String SESSION =
      """
      ---
      kind: conversation
      session: 1
      date: 2023-05-08
      participants: [Nadia, Marek]
      ---
      Nadia: How was your trip?
      Marek: Great. I flew to Chicago for a basketball game.
      Nadia: I stayed home and baked bread.
      Marek: Bread sounds lovely.
      """;

  private static Search search(Path agent, SearchSettings settings) {
    Layout layout = Layout.of(agent);
    return Search.open(layout, settings, new ArchivalStore(layout, Clock.systemUTC()));
  }

  @Test
  void searchFilesFindsATurnThatNamesAKindOfWhatTheQueryAsksFor() {
    Path agent = Fixtures.emptyAgent(tmp);
    Fixtures.write(agent.resolve("files/session-01_2023-05-08.md"), SESSION);
    SearchSettings on = SearchSettings.defaults().withWindow(0, 0);
    try (Search s = search(agent, on)) {
      List<String> hits = SearchFilesTest.locations(s.searchFiles("cities", 5, Optional.empty()));
      assertThat(hits).containsExactly("session-01_2023-05-08.md:8");
      assertThat(SearchFilesTest.locations(s.searchFiles("sports", 5, Optional.empty())))
          .containsExactly("session-01_2023-05-08.md:8");
    }
    try (Search s = search(agent, on.withHypernymWeight(0))) {
      assertThat(s.searchFiles("cities", 5, Optional.empty()).hits()).isEmpty();
    }
  }

  @Test
  void aWordInTheTextOutweighsTheSameWordAsAHypernym() {
    Path agent = Fixtures.emptyAgent(tmp);
    Fixtures.write(
        agent.resolve("files/session-01_2023-05-08.md"),
        SESSION + "Nadia: Which city do you like best?\n");
    try (Search s = search(agent, SearchSettings.defaults().withWindow(0, 0))) {
      List<String> hits = SearchFilesTest.locations(s.searchFiles("city", 5, Optional.empty()));
      assertThat(hits).containsExactly("session-01_2023-05-08.md:11", "session-01_2023-05-08.md:8");
    }
  }

  @Test
  void conversationSearchFindsThemToo() {
    Path agent = tmp.resolve("agent");
    try (Agent a = Agent.init(agent, InitOptions.defaults())) {
      a.history()
          .append(
              Message.user("I flew to Chicago last week."), Instant.parse("2026-10-01T10:00:00Z"));
      a.history()
          .append(Message.user("We baked bread today."), Instant.parse("2026-10-02T10:00:00Z"));
    }
    SearchSettings on = SearchSettings.defaults().withWindow(0, 0);
    for (double weight : new double[] {0.5, 0}) {
      try (Agent a = Agent.open(agent);
          Search s =
              Search.open(
                  Layout.of(agent),
                  on.withHypernymWeight(weight),
                  new ArchivalStore(Layout.of(agent), Clock.systemUTC()),
                  a.history())) {
        List<String> found =
            s
                .conversationSearch("cities", List.of(), Optional.empty(), Optional.empty(), 5)
                .hits()
                .stream()
                .map(MessageHit::content)
                .toList();
        assertThat(found)
            .as("hypernym_weight %s", weight)
            .isEqualTo(weight > 0 ? List.of("I flew to Chicago last week.") : List.of());
      }
    }
  }
}
