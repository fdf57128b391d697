package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.ToolException;
import dev.memdir.history.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationSearchTest {
  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void setUp() {
    dir = tmp.resolve("agent");
    try (Agent a = Agent.init(dir, InitOptions.defaults())) {
      a.history()
          .append(
              Message.user("I adopted a dog named Biscuit."),
              Instant.parse("2026-10-01T10:00:00Z"));
      a.history()
          .append(
              Message.assistant("Biscuit is a lovely name for a dog!"),
              Instant.parse("2026-10-01T10:00:05Z"));
      a.history()
          .append(
              Message.user("My sister Lena visits in December."),
              Instant.parse("2026-11-02T09:00:00Z"));
      a.history()
          .append(
              Message.user("Biscuit chewed my shoes again."),
              Instant.parse("2026-11-20T18:00:00Z"));
    }
  }

  private static List<String> contents(Results<MessageHit> r) {
    return r.hits().stream().map(MessageHit::content).toList();
  }

  private static Results<MessageHit> find(
      Agent a, String q, List<String> roles, String from, String to, int limit) {
    return a.search()
        .conversationSearch(
            q,
            roles,
            Optional.ofNullable(from).map(v -> Search.parseTime("start_date", v, false)),
            Optional.ofNullable(to).map(v -> Search.parseTime("end_date", v, true)),
            limit);
  }

  @Test
  void messagesAreRankedByBm25WithTheirIdTimeAndRole() {
    try (Agent a = Agent.open(dir)) {
      Results<MessageHit> r = find(a, "dog Biscuit", List.of(), null, null, 10);
      // The first two score the same (four terms each): the newer comes first.
      assertThat(contents(r))
          .containsExactly(
              "Biscuit is a lovely name for a dog!",
              "I adopted a dog named Biscuit.",
              "Biscuit chewed my shoes again.");
      assertThat(r.hits().get(0).score()).isEqualTo(r.hits().get(1).score());
      MessageHit top = r.hits().get(1);
      assertThat(top.role()).isEqualTo("user");
      assertThat(top.ts()).isEqualTo(Instant.parse("2026-10-01T10:00:00Z"));
      assertThat(top.id()).hasSize(26);
      assertThat(r.notes())
          .containsExactly("rebuilding the history index: .memdir/index/history is missing");
    }
  }

  @Test
  void aRecordFoundOnlyThroughItsNeighbourRanksBelowTheRecordThatSaysIt() {
    try (Agent a = Agent.open(dir)) {
      // "adopted" is said only by the older record; the newer reply is indexed with it, scores
      // the same, and would come first as the newer of two equal scores.
      Results<MessageHit> r = find(a, "adopted", List.of(), null, null, 10);
      assertThat(contents(r))
          .containsExactly("I adopted a dog named Biscuit.", "Biscuit is a lovely name for a dog!");
      assertThat(r.hits().get(1).score())
          .isCloseTo(r.hits().get(0).score() * Search.OWN_TEXT_MISS, within(0.01));
      // A query both match by their own words keeps the plain order.
      assertThat(contents(find(a, "lovely", List.of(), null, null, 1)))
          .containsExactly("Biscuit is a lovely name for a dog!");
    }
  }

  @Test
  void aRecordIsFoundByTheDateItsRelativeTimeWordsStandFor() {
    try (Agent a = Agent.open(dir)) {
      a.history()
          .append(
              Message.user("We walked Biscuit by the river yesterday."),
              Instant.parse("2026-11-25T09:00:00Z"));
      a.history()
          .append(
              Message.user("We walked Biscuit by the river."),
              Instant.parse("2026-11-26T09:00:00Z"));
      // Equal scores would put the newer first; the older one's "yesterday" is 24 November.
      assertThat(contents(find(a, "river 24 November", List.of(), null, null, 2)))
          .containsExactly(
              "We walked Biscuit by the river yesterday.", "We walked Biscuit by the river.");
    }
  }

  @Test
  void rolesAndDatesFilter() {
    try (Agent a = Agent.open(dir)) {
      assertThat(contents(find(a, "Biscuit", List.of("assistant"), null, null, 10)))
          .containsExactly("Biscuit is a lovely name for a dog!");
      assertThat(contents(find(a, "Biscuit", List.of("USER"), "2026-11-01", null, 10)))
          .containsExactly("Biscuit chewed my shoes again.");
      assertThat(contents(find(a, "Biscuit", List.of(), "2026-10-01", "2026-10-01", 10)))
          .containsExactly("Biscuit is a lovely name for a dog!", "I adopted a dog named Biscuit.");
    }
  }

  @Test
  void filtersAloneListNewestFirst() {
    try (Agent a = Agent.open(dir)) {
      Results<MessageHit> r = find(a, "", List.of("user"), null, null, 2);
      assertThat(contents(r))
          .containsExactly("Biscuit chewed my shoes again.", "My sister Lena visits in December.");
    }
  }

  @Test
  void untrustedArgumentsAreRefusedOrCapped() {
    try (Agent a = Agent.open(dir)) {
      assertThatThrownBy(() -> find(a, "dog", List.of("wizard"), null, null, 5))
          .isInstanceOf(ToolException.class)
          .hasMessage(
              "unknown role 'wizard'; roles are system, user, assistant, tool, summary, event");
      assertThat(find(a, "dog", List.of(), null, null, 500).notes())
          .contains("limit 500 capped at 100");
      Results<MessageHit> stop = find(a, "what was it", List.of(), null, null, 5);
      assertThat(stop.hits()).isEmpty();
      assertThat(stop.notes().get(0)).startsWith("the query \"what was it\" has only common words");
      assertThatThrownBy(() -> find(a, "dog", List.of(), "2026-12-01", "2026-01-01", 5))
          .hasMessage("start_date 2026-12-01T00:00:00Z is after end_date 2026-01-01T23:59:59Z");
    }
  }

  @Test
  void aHitShowsItsRecordsTextAsWrittenUpToTheShownLimit() {
    // Hits are read from doc values (UTF-8); non-ASCII text and the cut must come back as shown.
    String longText = "Zürich café naïve 東京 🎉 ".repeat(400);
    try (Agent a = Agent.open(dir)) {
      a.history().append(Message.user(longText), Instant.parse("2026-11-21T08:00:00Z"));
      MessageHit hit = find(a, "Zürich", List.of(), null, null, 5).hits().get(0);
      assertThat(hit.content()).isEqualTo(Passages.shownText(longText));
      assertThat(hit.content()).endsWith(" …").startsWith("Zürich café naïve 東京 🎉");
      assertThat(hit.role()).isEqualTo("user");
      assertThat(hit.ts()).isEqualTo(Instant.parse("2026-11-21T08:00:00Z"));
      // The filters-only listing reads the same way.
      MessageHit newest = find(a, "", List.of("user"), "2026-11-21", null, 5).hits().get(0);
      assertThat(newest.content()).isEqualTo(hit.content());
      assertThat(newest.id()).isEqualTo(hit.id());
    }
  }

  @Test
  void appendedMessagesAreFoundByTheNextSearch() {
    try (Agent a = Agent.open(dir)) {
      assertThat(find(a, "hamster", List.of(), null, null, 10).hits()).isEmpty();
      a.history()
          .append(Message.user("We also got a hamster."), Instant.parse("2026-11-25T08:00:00Z"));
      // An append with an old time goes to an old month's segment; it is found too.
      a.history()
          .append(
              Message.user("The hamster came from March."), Instant.parse("2026-03-05T08:00:00Z"));
      Results<MessageHit> r = find(a, "hamster", List.of(), null, null, 10);
      assertThat(contents(r))
          .containsExactlyInAnyOrder("We also got a hamster.", "The hamster came from March.");
      assertThat(r.notes()).isEmpty();
    }
  }

  @Test
  void readingResumesFromTheLastIndexedOffsetWithoutRereadingEarlierLines() throws IOException {
    Path seg = dir.resolve("history/2026-10.jsonl");
    try (Agent a = Agent.open(dir)) {
      // Enough records that the kite line lies more than HistoryIndex.EDGE bytes from both ends
      // of what was read (only those bytes are checked before resuming at the old end).
      for (int i = 0; i < 120; i++) {
        String words = i == 60 ? "the kite flew over the harbour" : "rain, then sun, then rain";
        a.history()
            .append(
                Message.user("Weather note " + i + ": " + words + "."),
                Instant.parse("2026-10-02T10:00:00Z").plusSeconds(7200L * i));
      }
      assertThat(contents(find(a, "kite", List.of(), null, null, 10)))
          .contains("Weather note 60: the kite flew over the harbour.");
      // History is append-only; to show that only new bytes are read, change a line between the
      // checked ends in place (same length) and append: the old line keeps its indexed words.
      String text = Files.readString(seg);
      assertThat(text.indexOf("kite")).isGreaterThan(HistoryIndex.EDGE);
      assertThat(text.length() - text.indexOf("kite")).isGreaterThan(HistoryIndex.EDGE);
      Files.writeString(seg, text.replace("kite", "bird"));
      a.history()
          .append(Message.user("Biscuit likes the park."), Instant.parse("2026-10-30T10:00:00Z"));
      assertThat(contents(find(a, "park", List.of(), null, null, 10)))
          .containsExactly("Biscuit likes the park.");
      assertThat(contents(find(a, "kite", List.of(), null, null, 10)))
          .contains("Weather note 60: the kite flew over the harbour.");
      assertThat(find(a, "bird", List.of(), null, null, 10).hits()).isEmpty();
    }
  }

  @Test
  void aSegmentRewrittenNearItsEndsAndGrownIsReadAgainFromItsStart() throws IOException {
    // A plain git merge adds the other side's lines and the next open sorts the segment: it grew,
    // but the bytes before the old end changed, so it is not an append.
    Path seg = dir.resolve("history/2026-10.jsonl");
    try (Agent a = Agent.open(dir)) {
      assertThat(contents(find(a, "adopted", List.of(), null, null, 10))).isNotEmpty();
      String text = Files.readString(seg);
      Files.writeString(seg, text.replace("adopted", "rescued"));
      a.history()
          .append(Message.user("Biscuit likes the park."), Instant.parse("2026-10-03T10:00:00Z"));
      assertThat(find(a, "adopted", List.of(), null, null, 10).hits()).isEmpty();
      assertThat(contents(find(a, "rescued", List.of(), null, null, 10)))
          .contains("I rescued a dog named Biscuit.");
      assertThat(contents(find(a, "park", List.of(), null, null, 10)))
          .containsExactly("Biscuit likes the park.");
    }
  }

  @Test
  void aSegmentThatShrankIsReadAgainFromItsStart() throws IOException {
    Path seg = dir.resolve("history/2026-11.jsonl");
    try (Agent a = Agent.open(dir)) {
      assertThat(find(a, "shoes", List.of(), null, null, 10).hits()).hasSize(1);
      List<String> lines = Files.readAllLines(seg);
      Files.writeString(seg, lines.get(0) + "\n");
      assertThat(find(a, "shoes", List.of(), null, null, 10).hits()).isEmpty();
      assertThat(contents(find(a, "Lena", List.of(), null, null, 10)))
          .containsExactly("My sister Lena visits in December.");
    }
  }

  @Test
  void anUnfinishedLastLineIsNotIndexedUntilItEnds() throws IOException {
    Path seg = dir.resolve("history/2026-11.jsonl");
    String line =
        "{\"v\":1,\"id\":\"01JDX3M8Q4ZK6Y5W2R9T7C1B0A\",\"ts\":\"2026-11-26T08:30:00Z\","
            + "\"role\":\"user\",\"content\":\"Pancakes for breakfast\"}";
    try (Agent a = Agent.open(dir)) {
      assertThat(find(a, "pancakes", List.of(), null, null, 10).hits()).isEmpty();
      Files.writeString(
          seg, line.substring(0, 40), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      assertThat(find(a, "pancakes", List.of(), null, null, 10).hits()).isEmpty();
      Files.writeString(
          seg, line.substring(40) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      assertThat(contents(find(a, "pancakes", List.of(), null, null, 10)))
          .containsExactly("Pancakes for breakfast");
    }
  }

  @Test
  void deletingDotMemdirRebuildsTheHistoryIndex() throws IOException {
    try (Agent a = Agent.open(dir)) {
      find(a, "dog", List.of(), null, null, 10);
    }
    IndexStore.deleteTree(dir.resolve(".memdir/index"));
    try (Agent a = Agent.open(dir)) {
      Results<MessageHit> r = find(a, "dog", List.of(), null, null, 10);
      assertThat(r.hits()).hasSize(2);
      assertThat(r.notes())
          .containsExactly("rebuilding the history index: .memdir/index/history is missing");
    }
    try (Agent a = Agent.open(dir)) {
      assertThat(find(a, "dog", List.of(), null, null, 10).notes()).isEmpty();
      assertThat(a.search().reindex().messages()).isEqualTo(4);
    }
  }

  @Test
  void changingPassageSettingsDoesNotRebuildTheHistoryIndexButTheWindowDoes() throws IOException {
    try (Agent a = Agent.open(dir)) {
      find(a, "dog", List.of(), null, null, 10);
    }
    Path yaml = dir.resolve("agent.yaml");
    Files.writeString(yaml, Files.readString(yaml) + "search:\n  passage: line\n");
    try (Agent a = Agent.open(dir)) {
      assertThat(find(a, "dog", List.of(), null, null, 10).notes()).isEmpty();
    }
    Files.writeString(yaml, Files.readString(yaml) + "  window: 2\n");
    try (Agent a = Agent.open(dir)) {
      assertThat(find(a, "dog", List.of(), null, null, 10).notes())
          .containsExactly(
              "rebuilding the history index: the search settings changed (stemmer=porter"
                  + " stop_words=english records=2 window=1 hypernyms=on -> stemmer=porter"
                  + " stop_words=english records=2 window=2 hypernyms=on)");
    }
    Files.writeString(yaml, Files.readString(yaml) + "  stemmer: none\n");
    try (Agent a = Agent.open(dir)) {
      assertThat(find(a, "dog", List.of(), null, null, 10).notes())
          .containsExactly(
              "rebuilding the history index: the search settings changed (stemmer=porter"
                  + " stop_words=english records=2 window=2 hypernyms=on -> stemmer=none"
                  + " stop_words=english records=2 window=2 hypernyms=on)");
    }
    Files.writeString(yaml, Files.readString(yaml) + "  hypernym_weight: 0\n");
    try (Agent a = Agent.open(dir)) {
      assertThat(find(a, "dog", List.of(), null, null, 10).notes())
          .containsExactly(
              "rebuilding the history index: the search settings changed (stemmer=none"
                  + " stop_words=english records=2 window=2 hypernyms=on -> stemmer=none"
                  + " stop_words=english records=2 window=2 hypernyms=off)");
    }
  }

  private static Instant at(String ts) {
    return Instant.parse(ts);
  }

  @Test
  void aRecordIsFoundByTheWordsOfItsNeighboursWithinAnHourButNotAcrossAPause() {
    try (Agent a = Agent.open(dir)) {
      a.history()
          .append(
              Message.user("Where did you go hiking last weekend?"), at("2026-12-01T10:00:00Z"));
      a.history()
          .append(
              Message.assistant("Up to the old lighthouse on the cliffs."),
              at("2026-12-01T10:00:30Z"));
      a.history().append(Message.user("Unrelated: the kettle broke."), at("2026-12-01T12:00:00Z"));
      // The answer is found through its question's words; the kettle, two hours later, is not.
      // (Both are indexed with the same two lines; the one that says "hiking" itself first.)
      assertThat(contents(find(a, "hiking", List.of(), null, null, 10)))
          .containsExactly(
              "Where did you go hiking last weekend?", "Up to the old lighthouse on the cliffs.");
      // Filters apply to what a neighbour brings too.
      assertThat(contents(find(a, "hiking", List.of("assistant"), null, null, 10)))
          .containsExactly("Up to the old lighthouse on the cliffs.");
      // Each record is indexed with its date written out, so a month finds it.
      assertThat(contents(find(a, "kettle December", List.of(), null, null, 1)))
          .containsExactly("Unrelated: the kettle broke.");
      assertThat(contents(find(a, "December 2026", List.of(), null, null, 10)))
          .contains(
              "Unrelated: the kettle broke.",
              "Where did you go hiking last weekend?",
              "My sister Lena visits in December.");
    }
  }

  @Test
  void theRecordAfterAQuestionIsLentTheReplyWeight() throws IOException {
    Path d = tmp.resolve("asks");
    Agent.init(d, InitOptions.defaults()).close();
    Path yaml = d.resolve("agent.yaml");
    String settings = "search:\n  window: 0\n  neighbour_weight: 0.5\n  hypernym_weight: 0\n";
    Files.writeString(yaml, Files.readString(yaml) + settings);
    try (Agent a = Agent.open(d)) {
      a.history().append(Message.user("We went to the coast."), at("2026-12-01T10:00:00Z"));
      a.history()
          .append(Message.assistant("Did you see the lighthouse?"), at("2026-12-01T10:00:10Z"));
      a.history()
          .append(Message.user("Yes, we climbed all its stairs."), at("2026-12-01T10:00:20Z"));
      // The reply is lent the question's whole score (reply_weight 1.0), the record before half.
      Results<MessageHit> r = find(a, "lighthouse", List.of(), null, null, 3);
      assertThat(contents(r))
          .containsExactly(
              "Did you see the lighthouse?",
              "Yes, we climbed all its stairs.",
              "We went to the coast.");
      double top = r.hits().get(0).score();
      assertThat(r.hits().get(1).score()).isCloseTo(top * Search.OWN_TEXT_MISS, within(0.01));
      assertThat(r.hits().get(2).score()).isCloseTo(top * 0.5 * Search.OWN_TEXT_MISS, within(0.01));
    }
    Files.writeString(
        yaml, Files.readString(yaml).replace(settings, settings + "  reply_weight: 0.5\n"));
    double asked;
    try (Agent a = Agent.open(d)) {
      // Equal scores: the newer first.
      Results<MessageHit> r = find(a, "lighthouse", List.of(), null, null, 3);
      assertThat(r.hits().get(1).score()).isEqualTo(r.hits().get(2).score());
      a.history()
          .append(
              Message.user("I painted the lighthouse on a grey morning."),
              at("2026-12-02T10:00:00Z"));
      // A record that says the words without asking ranks after the question by BM25 alone here
      // (a longer record); the question weight puts it first.
      Results<MessageHit> both = find(a, "lighthouse", List.of(), null, null, 2);
      assertThat(contents(both))
          .containsExactly(
              "Did you see the lighthouse?", "I painted the lighthouse on a grey morning.");
      asked = both.hits().get(0).score();
    }
    Files.writeString(yaml, Files.readString(yaml) + "  question_weight: 0.5\n");
    try (Agent a = Agent.open(d)) {
      Results<MessageHit> r = find(a, "lighthouse", List.of(), null, null, 2);
      assertThat(contents(r))
          .containsExactly(
              "I painted the lighthouse on a grey morning.", "Did you see the lighthouse?");
      assertThat(r.hits().get(1).score()).isCloseTo(asked * 0.5, within(0.02));
    }
  }

  @Test
  void aSpeakerIsPreferredByTheRecordsNameUnlessTheirBestIsFarBehind() {
    try (Agent a = Agent.open(dir)) {
      a.history()
          .append(
              Message.user("I painted a sunset.").with("name", TextNode.valueOf("Ines")),
              at("2026-12-02T10:00:00Z"));
      a.history()
          .append(
              Message.user("I painted a sunset, a red sunset!")
                  .with("name", TextNode.valueOf("Marek")),
              at("2026-12-05T10:00:00Z"));
      Results<MessageHit> plain = find(a, "painted sunset", List.of(), null, null, 10);
      assertThat(contents(plain).get(0)).isEqualTo("I painted a sunset, a red sunset!");
      Results<MessageHit> ines =
          a.search()
              .conversationSearch(
                  "painted sunset",
                  List.of(),
                  Optional.empty(),
                  Optional.empty(),
                  10,
                  Optional.of(" ines "));
      assertThat(contents(ines).get(0)).isEqualTo("I painted a sunset.");
      assertThat(ines.notes()).isEmpty();
      Results<MessageHit> nobody =
          a.search()
              .conversationSearch(
                  "painted sunset",
                  List.of(),
                  Optional.empty(),
                  Optional.empty(),
                  10,
                  Optional.of("Nobody"));
      assertThat(contents(nobody)).isEqualTo(contents(plain));
      assertThat(nobody.notes())
          .containsExactly(
              "no matching message is spoken by Nobody; ranked without speaker preference");
    }
  }

  /**
   * Appends read a few records back so the last ones gain their new neighbours: an index kept up to
   * date append by append (by its owner, and by a guest beside it, across commits) must match
   * exactly the records a fresh build over the same history matches.
   */
  @Test
  void incrementalIndexingMatchesWhatAFreshBuildMatches() throws IOException {
    String[] words = {"apple", "river", "violin", "garden", "rocket", "candle", "tiger", "cloud"};
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    try {
      Agent owner = Agent.open(dir);
      Agent guest = Agent.open(dir);
      Instant t = at("2026-12-01T00:00:00Z");
      for (int round = 0; round < 12; round++) {
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          t =
              t.plusSeconds(
                  rnd.nextInt(4) == 0 ? 7_200 + rnd.nextInt(200_000) : 1 + rnd.nextInt(600));
          String text = words[rnd.nextInt(words.length)] + " " + words[rnd.nextInt(words.length)];
          (rnd.nextBoolean() ? owner : guest).history().append(Message.user(text), t);
        }
        if (rnd.nextInt(3) == 0) {
          owner.close(); // commits; the guest starts again from the new commit
          owner = Agent.open(dir);
        }
        Path fresh = tmp.resolve("fresh-" + round);
        try (Agent f = Agent.init(fresh, InitOptions.defaults())) {}
        Files.createDirectories(fresh.resolve("history"));
        try (var files = Files.list(dir.resolve("history"))) {
          for (Path p : (Iterable<Path>) files::iterator) {
            Files.copy(p, fresh.resolve("history").resolve(p.getFileName()));
          }
        }
        try (Agent f = Agent.open(fresh)) {
          for (String w : words) {
            var expected = ids(find(f, w, List.of(), null, null, 100));
            assertThat(ids(find(owner, w, List.of(), null, null, 100)))
                .as("owner, seed %d round %d word %s", seed, round, w)
                .isEqualTo(expected);
            assertThat(ids(find(guest, w, List.of(), null, null, 100)))
                .as("guest, seed %d round %d word %s", seed, round, w)
                .isEqualTo(expected);
          }
        }
      }
      owner.close();
      guest.close();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
    }
  }

  private static java.util.Set<String> ids(Results<MessageHit> r) {
    java.util.Set<String> s = new java.util.TreeSet<>();
    r.hits().forEach(h -> s.add(h.id()));
    assertThat(s).hasSameSizeAs(r.hits());
    return s;
  }
}
