package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.history.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.util.Bits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code HistoryIndex.Places.neighbours} guesses that a record's neighbour is the next or previous
 * document and checks the guess through doc values; it must give what looking each neighbour up by
 * its place ({@code Places.find}) gives, in every state the index can be in: records re-indexed
 * when a later one joins their window (their old document deleted), a segment edited by hand and
 * read again, session gaps, several segments, and a guest that reads the owner's last commit plus
 * its own in-memory documents. Property style: seeded histories, the seed printed on failure.
 */
class NeighboursTest {
  @TempDir Path tmp;

  private static final String[] WORDS = {
    "dog", "walk", "park", "guitar", "lesson", "pizza", "oven", "garden", "tomato", "rain", "book",
    "library", "train", "station", "coffee", "river"
  };

  @Test
  void theGuessGivesWhatTheLookupByPlaceGives() throws IOException {
    long base = new Random().nextLong();
    for (int round = 0; round < 6; round++) {
      long seed = base + round;
      try {
        check(seed, tmp.resolve("agent-" + round));
      } catch (AssertionError | RuntimeException | IOException e) {
        fail("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  private void check(long seed, Path dir) throws IOException {
    Random rnd = new Random(seed);
    long t = Instant.parse("2026-10-01T10:00:00Z").toEpochMilli();
    try (Agent a = Agent.init(dir, InitOptions.defaults())) {
      int n = 20 + rnd.nextInt(30);
      for (int i = 0; i < n; i++) {
        // Mostly a minute apart; now and then a new session (hours) or a new month's segment.
        t += rnd.nextInt(8) == 0 ? (rnd.nextBoolean() ? 30L * 86_400_000 : 6 * 3_600_000) : 60_000;
        a.history()
            .append(
                rnd.nextBoolean() ? Message.user(text(rnd)) : Message.assistant(text(rnd)),
                Instant.ofEpochMilli(t));
        if (rnd.nextInt(4) == 0) {
          search(a); // indexes what is there: later appends re-index records already indexed
        }
      }
      search(a);
      compare(a, rnd);
    }
    // A segment edited by hand (a line cut from its middle) is read again: its documents are
    // deleted and added anew.
    List<Path> segments;
    try (var s = Files.list(dir.resolve("history"))) {
      segments = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
    }
    Path seg = segments.get(rnd.nextInt(segments.size()));
    List<String> lines = new ArrayList<>(Files.readAllLines(seg, StandardCharsets.UTF_8));
    if (lines.size() > 2) {
      lines.remove(1 + rnd.nextInt(lines.size() - 2));
      Files.write(seg, lines, StandardCharsets.UTF_8);
    }
    try (Agent owner = Agent.open(dir);
        Agent guest = Agent.open(dir)) {
      search(owner);
      search(guest);
      compare(owner, rnd);
      assertThat(history(guest).owner()).isFalse();
      for (int i = 0; i < 5; i++) {
        t += 60_000;
        guest.history().append(Message.user(text(rnd)), Instant.ofEpochMilli(t));
      }
      search(guest);
      compare(guest, rnd);
    }
  }

  private static String text(Random rnd) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0, k = 2 + rnd.nextInt(5); i < k; i++) {
      sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
    }
    return sb.toString().trim();
  }

  private static void search(Agent a) {
    a.search().conversationSearch("dog", List.of(), Optional.empty(), Optional.empty(), 5);
  }

  private static HistoryIndex history(Agent a) {
    return a.search().historyIndex().orElseThrow();
  }

  /** Every live document of the view, in a shuffled order, against the lookup by place. */
  private static void compare(Agent a, Random rnd) throws IOException {
    HistoryIndex h = history(a);
    IndexReader r = h.searcher().getIndexReader();
    List<Integer> live = new ArrayList<>();
    for (LeafReaderContext leaf : r.leaves()) {
      Bits bits = leaf.reader().getLiveDocs();
      for (int d = 0; d < leaf.reader().maxDoc(); d++) {
        if (bits == null || bits.get(d)) {
          live.add(leaf.docBase + d);
        }
      }
    }
    assertThat(live).isNotEmpty();
    java.util.Collections.shuffle(live, rnd);
    int[] docs = live.stream().mapToInt(Integer::intValue).toArray();
    HistoryIndex.Meta[] metas = h.meta(docs);
    int guessed = 0;
    for (int w = 1; w <= 2; w++) {
      HistoryIndex.Neighbours got = h.new Places().neighbours(docs, metas, w);
      HistoryIndex.Places places = h.new Places();
      for (int i = 0; i < docs.length; i++) {
        for (int k = 0; k < 2 * w; k++) {
          int d = k < w ? k - w : k - w + 1;
          int want = places.find(metas[i].segment(), metas[i].ordinal() + d, docs[i]);
          int slot = i * 2 * w + k;
          assertThat(got.docs()[slot])
              .as("neighbour %+d of %s#%d", d, metas[i].segment(), metas[i].ordinal())
              .isEqualTo(want);
          if (want >= 0) {
            assertThat(got.metas()[slot]).isEqualTo(h.meta(new int[] {want})[0]);
            guessed += want == docs[i] + d ? 1 : 0;
          } else {
            assertThat(got.metas()[slot]).isNull();
          }
        }
      }
    }
    // The fast path is taken at all (most neighbours are the next or previous document).
    assertThat(guessed).isPositive();
  }
}
