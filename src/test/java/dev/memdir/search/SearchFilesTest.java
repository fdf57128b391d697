package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.Agent;
import dev.memdir.ToolException;
import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchFilesTest {
  @TempDir Path tmp;

  static List<String> locations(Results<FileHit> r) {
    return r.hits().stream().map(FileHit::location).toList();
  }

  private Search search(Path agent, SearchSettings settings) {
    Layout layout = Layout.of(agent);
    return Search.open(
        layout, settings, new dev.memdir.archival.ArchivalStore(layout, Clock.systemUTC()));
  }

  /** Plain BM25 over single turns: no windows, no neighbours, no hypernyms. */
  private static SearchSettings plain() {
    return SearchSettings.defaults().withWindow(0, 0).withHypernymWeight(0);
  }

  @Test
  void plainBm25RanksSingleTurnsByScore() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, plain())) {
      Results<FileHit> r = s.searchFiles("carpentry college", 10, Optional.empty());
      assertThat(locations(r))
          .containsExactly(
              "session-02_2023-06-20.md:11",
              "session-02_2023-06-20.md:12",
              "session-01_2023-05-08.md:15",
              "session-02_2023-06-20.md:13");
    }
  }

  @Test
  void aTurnIsFoundByTheDateItsRelativeTimeWordsStandFor() {
    Path agent = Fixtures.emptyAgent(tmp);
    String head = "---\nkind: conversation\ndate: %s\nparticipants: [Ines, Marek]\n---\n";
    // Said on 3 May: the film was watched that day. Said on 2 May: "last night" is 1 May.
    Fixtures.write(
        agent.resolve("files/a.md"),
        head.formatted("2022-05-03") + "Ines: I watched a film at the cinema.\nMarek: Nice.\n");
    Fixtures.write(
        agent.resolve("files/b.md"),
        head.formatted("2022-05-02") + "Ines: I watched a film last night.\nMarek: Nice.\n");
    try (Search s = search(agent, plain())) {
      // Equal scores would put a.md first; b.md's "1 May 2022" makes it the better match.
      assertThat(locations(s.searchFiles("film 1 May 2022", 2, Optional.empty())))
          .containsExactly("b.md:6", "a.md:6");
      // What a hit shows is the text as written.
      assertThat(s.searchFiles("film", 2, Optional.empty()).hits())
          .extracting(FileHit::text)
          .containsExactlyInAnyOrder(
              "Ines: I watched a film at the cinema.", "Ines: I watched a film last night.");
    }
  }

  @Test
  void hitsCarryFileLinesDateSpeakerAndText() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, plain())) {
      FileHit top = s.searchFiles("marshmallows", 1, Optional.empty()).hits().get(0);
      assertThat(top.file()).isEqualTo("session-01_2023-05-08.md");
      assertThat(top.startLine()).isEqualTo(12);
      assertThat(top.endLine()).isEqualTo(12);
      assertThat(top.date()).contains("2023-05-08");
      assertThat(top.speaker()).contains("Marek");
      assertThat(top.text())
          .isEqualTo(
              "Marek: They loved it. We roasted marshmallows by the fire."
                  + " [image: a tent beside a lake]");
      assertThat(top.score()).isPositive();
    }
  }

  @Test
  void plainFilesArePassagesOfParagraphsWithLineRanges() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, plain())) {
      Results<FileHit> r = s.searchFiles("watering tomatoes", 10, Optional.empty());
      assertThat(locations(r)).containsExactly("notes.md:3-4", "notes.md:6");
      assertThat(r.hits().get(0).date()).isEmpty();
      assertThat(r.hits().get(0).speaker()).isEmpty();
      assertThat(r.hits().get(0).text())
          .isEqualTo("Tomatoes need full sun and deep watering.\nWater them in the morning.");
    }
  }

  @Test
  void lineModeMakesEachLineAPassage() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, plain().withPassage(SearchSettings.PassageUnit.LINE))) {
      assertThat(locations(s.searchFiles("watering tomatoes", 10, Optional.empty())))
          .containsExactly("notes.md:3", "notes.md:4", "notes.md:6");
    }
  }

  @Test
  void theSessionDateIsPartOfTheIndexedText() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, plain())) {
      Results<FileHit> r = s.searchFiles("June 2023", 3, Optional.empty());
      assertThat(r.hits()).hasSize(3);
      assertThat(r.hits()).allSatisfy(h -> assertThat(h.date()).contains("2023-06-20"));
    }
  }

  @Test
  void headerAndBlankLinesAreNeverPassages() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, plain())) {
      assertThat(
              s.searchFiles("kind conversation participants session", 10, Optional.empty()).hits())
          .isEmpty();
      // Speaker names are not indexed text: only turns that mention a name match it.
      assertThat(locations(s.searchFiles("Nadia", 10, Optional.empty())))
          .containsExactly("session-01_2023-05-08.md:9");
    }
  }

  @Test
  void imageCaptionsAreSearchable() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, plain())) {
      assertThat(locations(s.searchFiles("tent beside", 1, Optional.empty())))
          .containsExactly("session-01_2023-05-08.md:12");
    }
  }

  @Test
  void aHitInAConversationBringsItsNeighbourTurnsWithinTheLimit() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, SearchSettings.defaults().withWindow(0, 1))) {
      Results<FileHit> r = s.searchFiles("marshmallows", 3, Optional.empty());
      // The turn that says it first, then its neighbours in file order: lent the hit's whole
      // score, 0.9 x for not saying the word themselves.
      assertThat(locations(r))
          .containsExactly(
              "session-01_2023-05-08.md:12",
              "session-01_2023-05-08.md:11",
              "session-01_2023-05-08.md:13");
      assertThat(r.hits().get(1).score())
          .isEqualTo(r.hits().get(0).score() * Search.OWN_TEXT_MISS, within());
      assertThat(r.hits().get(2).score()).isEqualTo(r.hits().get(1).score());
      assertThat(locations(s.searchFiles("marshmallows", 2, Optional.empty())))
          .containsExactly("session-01_2023-05-08.md:12", "session-01_2023-05-08.md:11");
    }
  }

  @Test
  void neighboursStayInsideTheirFileAndSkipBlankLines() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, SearchSettings.defaults().withWindow(0, 1))) {
      // Line 8 is the first turn of session 1: one neighbour only (line 9); line 11 follows a
      // blank line and is still the turn after line 9.
      assertThat(locations(s.searchFiles("Hey Mar good", 10, Optional.empty())))
          .containsExactly("session-01_2023-05-08.md:8", "session-01_2023-05-08.md:9");
      // Line 9 says all three words; 11 ("the kids") is lent 9's score and says a word of the
      // query itself, so it ties with 9 and follows it; 8 says none (0.9 x).
      assertThat(locations(s.searchFiles("busy kids weekend", 3, Optional.empty())))
          .containsExactly(
              "session-01_2023-05-08.md:9",
              "session-01_2023-05-08.md:11",
              "session-01_2023-05-08.md:8");
    }
  }

  @Test
  void softNeighboursScoreAFractionOfTheirHit() {
    Path agent = Fixtures.conversationAgent(tmp);
    SearchSettings soft = SearchSettings.defaults().withWindow(0, 1).withNeighbourWeight(0.5);
    try (Search s = search(agent, soft)) {
      Results<FileHit> r = s.searchFiles("marshmallows", 3, Optional.empty());
      assertThat(locations(r))
          .containsExactly(
              "session-01_2023-05-08.md:12",
              "session-01_2023-05-08.md:11",
              "session-01_2023-05-08.md:13");
      // Half the hit's score, and 0.9 x that since the neighbour's own text lacks the word.
      assertThat(r.hits().get(1).score())
          .isEqualTo(r.hits().get(0).score() * 0.5 * Search.OWN_TEXT_MISS, within());
    }
  }

  @Test
  void theTurnAfterAQuestionIsLentTheReplyWeight() {
    Path agent = Fixtures.emptyAgent(tmp);
    Fixtures.write(
        agent.resolve("files/a.md"),
        "---\nkind: conversation\nparticipants: [Ines, Marek]\n---\n"
            + "Ines: We went to the coast.\n"
            + "Marek: Did you see the lighthouse?\n"
            + "Ines: Yes, we climbed all its stairs.\n"
            + "Marek: I saw the harbour.\n"
            + "Ines: The boats were out.\n");
    SearchSettings soft = plain().withWindow(0, 1).withNeighbourWeight(0.5);
    try (Search s = search(agent, soft)) {
      // The reply is lent the question's whole score (reply_weight 1.0), the turn before it half.
      Results<FileHit> r = s.searchFiles("lighthouse", 3, Optional.empty());
      assertThat(locations(r)).containsExactly("a.md:6", "a.md:7", "a.md:5");
      double top = r.hits().get(0).score();
      assertThat(r.hits().get(1).score()).isEqualTo(top * Search.OWN_TEXT_MISS, within());
      assertThat(r.hits().get(2).score()).isEqualTo(top * 0.5 * Search.OWN_TEXT_MISS, within());
      // A turn that does not ask lends both neighbours the neighbour weight: equal, file order.
      Results<FileHit> plainTurn = s.searchFiles("harbour", 3, Optional.empty());
      assertThat(locations(plainTurn)).containsExactly("a.md:8", "a.md:7", "a.md:9");
      assertThat(plainTurn.hits().get(1).score()).isEqualTo(plainTurn.hits().get(2).score());
    }
    try (Search s = search(agent, soft.withReplyWeight(0.5))) {
      Results<FileHit> r = s.searchFiles("lighthouse", 3, Optional.empty());
      assertThat(locations(r)).containsExactly("a.md:6", "a.md:5", "a.md:7");
      assertThat(r.hits().get(1).score()).isEqualTo(r.hits().get(2).score());
    }
    try (Search s = search(agent, soft.withNeighbourWeight(0))) {
      // With no neighbour weight the reply still comes; the turn before does not.
      assertThat(locations(s.searchFiles("lighthouse", 3, Optional.empty())))
          .containsExactly("a.md:6", "a.md:7");
    }
  }

  @Test
  void aTurnThatAsksScoresTheQuestionWeightLess() {
    Path agent = Fixtures.emptyAgent(tmp);
    Fixtures.write(
        agent.resolve("files/a.md"),
        "---\nkind: conversation\nparticipants: [Ines, Marek]\n---\n"
            + "Ines: Did you see the old lighthouse?\n"
            + "Marek: I painted the old lighthouse.\n");
    try (Search s = search(agent, plain())) {
      // The question says the words more densely: first by BM25 alone.
      Results<FileHit> r = s.searchFiles("old lighthouse", 2, Optional.empty());
      assertThat(locations(r)).containsExactly("a.md:5", "a.md:6");
      double asked = r.hits().get(0).score();
      try (Search q = search(agent, plain().withQuestionWeight(0.5))) {
        Results<FileHit> r2 = q.searchFiles("old lighthouse", 2, Optional.empty());
        assertThat(locations(r2)).containsExactly("a.md:6", "a.md:5");
        assertThat(r2.hits().get(1).score()).isEqualTo(asked * 0.5, within());
        assertThat(r2.hits().get(0).score()).isEqualTo(r.hits().get(1).score(), within());
      }
    }
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-3);
  }

  @Test
  void windowDocumentsLetATurnMatchThroughItsNeighbours() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, SearchSettings.defaults().withWindow(1, 0))) {
      // "Which college?" shares no word with the query; its window holds the next turn.
      assertThat(locations(s.searchFiles("community downtown", 10, Optional.empty())))
          .containsExactly("session-02_2023-06-20.md:13", "session-02_2023-06-20.md:12");
    }
  }

  @Test
  void theDefaultPipelineCombinesWindowsAndNeighbours() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, SearchSettings.defaults())) {
      // 13 says the words; 12 matches through its window and 11 as 12's neighbour (both 0.9 x
      // for lacking the words themselves, 12 first as it scores on its own).
      assertThat(locations(s.searchFiles("community downtown", 10, Optional.empty())))
          .containsExactly(
              "session-02_2023-06-20.md:13",
              "session-02_2023-06-20.md:12",
              "session-02_2023-06-20.md:11");
    }
  }

  @Test
  void aNamedSpeakerIsPreferredWhenTheGatePasses() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, plain())) {
      assertThat(locations(s.searchFiles("lake", 10, Optional.empty())))
          .containsExactly(
              "notes.md:8",
              "session-02_2023-06-20.md:8",
              "session-01_2023-05-08.md:12",
              "session-01_2023-05-08.md:9");
      Results<FileHit> r = s.searchFiles("lake", 10, Optional.of("nadia"));
      // No turn about the lake is Nadia's: nothing to prefer, and a note says so.
      assertThat(locations(r)).hasSize(4).first().isEqualTo("notes.md:8");
      assertThat(r.notes())
          .contains("no matching passage is spoken by nadia; ranked without speaker preference");
      // Marek's "Painting keeps me calm" (line 10) leads; Nadia's line 9, boosted, passes it.
      Results<FileHit> unboosted = s.searchFiles("painting calm", 10, Optional.empty());
      assertThat(locations(unboosted))
          .containsExactly(
              "session-02_2023-06-20.md:10",
              "session-02_2023-06-20.md:9",
              "session-02_2023-06-20.md:8");
      Results<FileHit> m = s.searchFiles("painting", 10, Optional.of("Nadia"));
      Results<FileHit> m0 = s.searchFiles("painting", 10, Optional.empty());
      assertThat(m.hits().get(0).location()).isEqualTo("session-02_2023-06-20.md:9");
      assertThat(m.hits().get(0).score()).isEqualTo(1.5 * m0.hits().get(0).score(), within());
      Results<FileHit> calm = s.searchFiles("painting calm", 10, Optional.of("Nadia"));
      assertThat(calm.notes())
          .contains(
              "Nadia's best passage scores well under the best by others; ranked without speaker"
                  + " preference");
      assertThat(m.notes()).isEmpty();
    }
  }

  @Test
  void theSpeakerGateKeepsAWeakSpeakerFromBeingBoosted() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, plain().withSpeaker(10, 1.0))) {
      Results<FileHit> r = s.searchFiles("painting lighthouse", 10, Optional.of("Nadia"));
      assertThat(locations(r))
          .containsExactly(
              "session-02_2023-06-20.md:8",
              "session-02_2023-06-20.md:9",
              "session-02_2023-06-20.md:10");
      assertThat(r.notes())
          .contains(
              "Nadia's best passage scores well under the best by others; ranked without"
                  + " speaker preference");
    }
    try (Search s = search(agent, plain().withSpeaker(10, 0.0))) {
      Results<FileHit> r = s.searchFiles("painting lighthouse", 10, Optional.of("Nadia"));
      assertThat(locations(r).get(0)).isEqualTo("session-02_2023-06-20.md:9");
    }
  }

  @Test
  void equalScoresAreOrderedByFileThenLine() {
    Path agent = Fixtures.emptyAgent(tmp);
    Fixtures.write(agent.resolve("files/b.md"), "apple pie\n\napple pie\n");
    Fixtures.write(agent.resolve("files/a.md"), "apple pie\n");
    try (Search s = search(agent, plain())) {
      assertThat(locations(s.searchFiles("apple", 10, Optional.empty())))
          .containsExactly("a.md:1", "b.md:1", "b.md:3");
    }
  }

  @Test
  void resultsAreTheSameAfterARebuildAndAfterIncrementalUpdates() {
    Path agent = Fixtures.conversationAgent(tmp);
    List<String> first;
    try (Search s = search(agent, SearchSettings.defaults())) {
      first = locations(s.searchFiles("lake painting college", 20, Optional.empty()));
      Fixtures.write(agent.resolve("files/notes.md"), Fixtures.NOTES + "\nMore about the lake.\n");
      Fixtures.write(agent.resolve("files/notes.md"), Fixtures.NOTES);
      assertThat(locations(s.searchFiles("lake painting college", 20, Optional.empty())))
          .isEqualTo(first);
      s.reindex();
      assertThat(locations(s.searchFiles("lake painting college", 20, Optional.empty())))
          .isEqualTo(first);
    }
  }

  @Test
  void anEmptyOrStopWordOnlyQueryGetsAHelpfulNote() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, plain())) {
      Results<FileHit> empty = s.searchFiles("   ", 10, Optional.empty());
      assertThat(empty.hits()).isEmpty();
      assertThat(empty.notes())
          .contains(
              "the query is empty; give words to search for, such as names, places or topics");
      Results<FileHit> stop = s.searchFiles("What did they do?", 10, Optional.empty());
      assertThat(stop.hits()).isEmpty();
      assertThat(stop.notes())
          .contains(
              "the query \"What did they do?\" has only common words that are not indexed (like"
                  + " 'the', 'what', 'did'); add names, places or other content words");
    }
  }

  @Test
  void hugeLimitsAreCappedAndNonPositiveOnesRefused() {
    Path agent = Fixtures.emptyAgent(tmp);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      sb.append("apple ").append(i).append("\n\n");
    }
    Fixtures.write(agent.resolve("files/apples.md"), sb.toString());
    try (Search s = search(agent, plain())) {
      Results<FileHit> r = s.searchFiles("apple", Integer.MAX_VALUE, Optional.empty());
      assertThat(r.hits()).hasSize(Search.MAX_LIMIT);
      assertThat(r.notes()).contains("limit 2147483647 capped at 100");
      assertThatThrownBy(() -> s.searchFiles("apple", 0, Optional.empty()))
          .isInstanceOf(ToolException.class)
          .hasMessage("limit must be 1 or more, got 0");
    }
  }

  @Test
  void aVeryLongQueryIsCutWithANote() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, plain())) {
      String q = "marshmallows " + "zzz ".repeat(5_000);
      Results<FileHit> r = s.searchFiles(q, 1, Optional.empty());
      assertThat(locations(r)).containsExactly("session-01_2023-05-08.md:12");
      assertThat(r.notes()).contains("the query was cut to its first 4000 chars");
    }
  }

  @Test
  void theAgentFacadeSearchesWithTheSettingsOfAgentYaml() throws Exception {
    Path agent = Fixtures.conversationAgent(tmp);
    java.nio.file.Files.writeString(
        agent.resolve("agent.yaml"),
        java.nio.file.Files.readString(agent.resolve("agent.yaml"))
            + "search:\n  window: 0\n  neighbours: 0\n");
    try (Agent a = Agent.open(agent)) {
      assertThat(a.search().settings().window()).isZero();
      assertThat(locations(a.search().searchFiles("marshmallows", 10, Optional.empty())))
          .containsExactly("session-01_2023-05-08.md:12");
    }
  }

  @Test
  void markdownHitsCarryTheirHeadingPath() throws java.io.IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    java.nio.file.Files.writeString(
        agent.resolve("files").resolve("travel.md"),
        "# Travel notes\nWe like trains.\n## Venice\nThe gondola ride was wonderful.\n"
            + "## Rome\nThe gondola museum was closed.\n");
    try (Search s = search(agent, plain())) {
      List<FileHit> hits = s.searchFiles("gondola", 10, Optional.empty()).hits();
      assertThat(hits)
          .extracting(h -> h.location() + " " + h.section())
          .containsExactlyInAnyOrder(
              "travel.md:3-4 Travel notes › Venice", "travel.md:5-6 Travel notes › Rome");
      FileHit venice =
          hits.stream().filter(h -> h.section().endsWith("Venice")).findFirst().orElseThrow();
      assertThat(venice.headings()).containsExactly("Travel notes", "Venice");
      // What search_files shows the model.
      assertThat(venice.render()).startsWith("travel.md:3-4 [Travel notes › Venice] score ");
      FileHit plainHit = s.searchFiles("watering tomatoes", 1, Optional.empty()).hits().get(0);
      assertThat(plainHit.headings()).containsExactly("Garden notes");
    }
  }
}
