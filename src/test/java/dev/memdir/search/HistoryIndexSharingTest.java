package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.history.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryIndexSharingTest {
  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void setUp() {
    dir = tmp.resolve("agent");
    try (Agent a = Agent.init(dir, InitOptions.defaults())) {
      say(a, "I adopted a dog named Biscuit.", "2026-10-01T10:00:00Z");
      say(a, "Biscuit chewed my shoes again.", "2026-11-20T18:00:00Z");
    }
  }

  private static void say(Agent a, String text, String ts) {
    a.history().append(Message.user(text), Instant.parse(ts));
  }

  private static List<String> find(Agent a, String q) {
    return a
        .search()
        .conversationSearch(q, List.of(), Optional.empty(), Optional.empty(), 10)
        .hits()
        .stream()
        .map(MessageHit::content)
        .toList();
  }

  private static HistoryIndex history(Agent a) {
    return a.search().historyIndex().orElseThrow();
  }

  @Test
  void twoInstancesOverTheSameAgentBothSeeEveryAppend() {
    try (Agent first = Agent.open(dir);
        Agent second = Agent.open(dir)) {
      assertThat(find(first, "dog")).containsExactly("I adopted a dog named Biscuit.");
      assertThat(history(first).owner()).isTrue();
      say(first, "We also got a hamster.", "2026-11-21T08:00:00Z");
      assertThat(find(first, "hamster")).containsExactly("We also got a hamster.");
      // The first instance has not committed yet; the second still sees the new message.
      assertThat(find(second, "hamster")).containsExactly("We also got a hamster.");
      assertThat(history(second).owner()).isFalse();
      say(second, "The hamster is called Pip.", "2026-11-22T08:00:00Z");
      assertThat(find(first, "hamster"))
          .containsExactly("The hamster is called Pip.", "We also got a hamster.");
      assertThat(find(second, "hamster"))
          .containsExactly("The hamster is called Pip.", "We also got a hamster.");
      assertThat(find(second, "biscuit")).hasSize(2);
    }
  }

  @Test
  void aGuestDoesNotFindRecordsCutFromASegmentTheOwnerIndexed() throws IOException {
    Path seg = dir.resolve("history/2026-11.jsonl");
    try (Agent first = Agent.open(dir);
        Agent second = Agent.open(dir)) {
      assertThat(find(first, "shoes")).hasSize(1);
      first.search().close();
      first.close();
      try (Agent owner = Agent.open(dir)) {
        assertThat(find(owner, "shoes")).hasSize(1);
        assertThat(find(second, "shoes")).hasSize(1);
        assertThat(history(second).owner()).isFalse();
        Files.writeString(seg, "");
        assertThat(find(second, "shoes")).isEmpty();
        assertThat(find(owner, "shoes")).isEmpty();
        assertThat(find(second, "dog")).containsExactly("I adopted a dog named Biscuit.");
      }
    }
  }

  @Test
  void aGuestTakesOverTheIndexWhenTheOwnerCloses() {
    try (Agent second = Agent.open(dir)) {
      try (Agent first = Agent.open(dir)) {
        find(first, "dog");
        assertThat(find(second, "dog")).hasSize(1);
        say(first, "Biscuit learned to sit.", "2026-11-23T08:00:00Z");
        assertThat(find(first, "sit")).hasSize(1);
      }
      say(second, "Biscuit learned to roll over.", "2026-11-24T08:00:00Z");
      Results<MessageHit> r =
          second
              .search()
              .conversationSearch("learned", List.of(), Optional.empty(), Optional.empty(), 10);
      assertThat(r.notes()).isEmpty();
      assertThat(r.hits()).hasSize(2);
      assertThat(history(second).owner()).isTrue();
    }
    try (Agent third = Agent.open(dir)) {
      Results<MessageHit> r =
          third
              .search()
              .conversationSearch("learned", List.of(), Optional.empty(), Optional.empty(), 10);
      assertThat(r.notes()).isEmpty();
      assertThat(r.hits()).hasSize(2);
    }
  }

  @Test
  void anInstanceKilledWithoutClosingLosesNothing() {
    Agent killed = Agent.open(dir);
    find(killed, "dog");
    for (int i = 0; i < 30; i++) {
      say(killed, "Walk number " + i + " with Biscuit in the park.", "2026-11-25T08:00:00Z");
      assertThat(find(killed, "park")).hasSize(Math.min(10, i + 1));
    }
    // Neither commit nor close: what it indexed since its last commit is gone with it.
    history(killed).abandon();
    try (Agent next = Agent.open(dir)) {
      Results<MessageHit> r =
          next.search()
              .conversationSearch("park", List.of(), Optional.empty(), Optional.empty(), 100);
      assertThat(r.notes()).isEmpty();
      assertThat(r.hits()).hasSize(30);
      assertThat(history(next).owner()).isTrue();
    }
  }

  @Test
  void anInstanceNeverClosedLeavesTheNextOneAGuestThatSeesEverything() {
    Agent forgotten = Agent.open(dir);
    find(forgotten, "dog");
    say(forgotten, "Biscuit found a bone.", "2026-11-25T09:00:00Z");
    assertThat(find(forgotten, "bone")).hasSize(1);
    try (Agent next = Agent.open(dir)) {
      assertThat(find(next, "bone")).containsExactly("Biscuit found a bone.");
      assertThat(history(next).owner()).isFalse();
    }
    forgotten.close();
  }

  @Test
  void reindexWhileAnotherInstanceOwnsTheIndexRebuildsACopyInMemory() {
    try (Agent first = Agent.open(dir);
        Agent second = Agent.open(dir)) {
      find(first, "dog");
      say(first, "Biscuit met a cat.", "2026-11-23T08:00:00Z");
      assertThat(second.search().reindex().messages()).isEqualTo(3);
      assertThat(history(second).owner()).isFalse();
      assertThat(find(second, "cat")).containsExactly("Biscuit met a cat.");
      assertThat(find(second, "biscuit")).hasSize(3);
      assertThat(find(first, "biscuit")).hasSize(3);
    }
  }
}
