package dev.memdir.archival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.Agent;
import dev.memdir.EditException;
import dev.memdir.TestAgents;
import dev.memdir.format.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchivalStoreTest {
  @TempDir Path dir;
  ArchivalStore store;
  Path arch;

  @BeforeEach
  void setUp() {
    Agent agent = TestAgents.create(dir);
    Clock clock = Clock.fixed(Instant.parse("2026-11-26T08:30:00.123Z"), ZoneOffset.UTC);
    store = new ArchivalStore(agent.layout(), clock);
    arch = dir.resolve("archival");
  }

  @Test
  void insertWritesOneReadableFileNamedByDateSlugAndHash() throws Exception {
    Fact f = store.insert("Ada prefers green tea to coffee.", List.of("preferences"));
    assertThat(f.id()).matches("2026-11-26-ada-prefers-green-tea-to-coffee-[0-9a-f]{6}");
    Path file = arch.resolve(f.id() + ".md");
    assertThat(Files.readString(file))
        .isEqualTo(
            "---\nid: "
                + f.id()
                + "\ncreated: 2026-11-26T08:30:00Z\ntags:\n  - preferences\n---\nAda prefers green tea to coffee.\n");
  }

  @Test
  void theSameTextTheSameDayIsStoredOnce() {
    Fact a = store.insert("Same fact.", List.of());
    Fact b = store.insert("Same fact.", List.of());
    assertThat(b).isEqualTo(a);
    assertThat(store.count()).isEqualTo(1);
  }

  @Test
  void factsRoundTripThroughTheirFiles() {
    Fact f = store.insert("Line one\nline two with: colon", List.of("a", "b c"));
    assertThat(store.get(f.id())).isEqualTo(f);
    assertThat(store.get(f.fileName())).isEqualTo(f);
  }

  @Test
  void listIsOldestFirstAndIncludesHandWrittenFiles() throws Exception {
    Files.writeString(
        arch.resolve("by-hand.md"), "---\ncreated: 2020-01-01T00:00:00Z\n---\nOld fact.\n");
    Files.writeString(arch.resolve("2021-05-05-no-front-matter.md"), "Plain fact.\n");
    Fact f = store.insert("New fact.", List.of());
    ArchivalStore.Snapshot s = store.list();
    assertThat(s.facts())
        .extracting(Fact::id)
        .containsExactly("by-hand", "2021-05-05-no-front-matter", f.id());
    assertThat(s.facts().get(1).created()).isEqualTo(Instant.parse("2021-05-05T00:00:00Z"));
    assertThat(s.problems()).isEmpty();
  }

  @Test
  void aBrokenFactIsReportedAndTheOthersStillLoad() throws Exception {
    Files.writeString(arch.resolve("bad.md"), "---\ncreated: yesterday\n---\nx\n");
    Files.writeString(arch.resolve("bad2.md"), "---\ntags: 3\n---\nx\n");
    Files.writeString(arch.resolve("notes.txt"), "x");
    store.insert("Good.", List.of());
    ArchivalStore.Snapshot s = store.list();
    assertThat(s.facts()).hasSize(1);
    assertThat(s.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "archival/bad.md:2: 'created' must be an ISO-8601 UTC time like 2026-11-26T08:30:00Z, got \"yesterday\"",
            "archival/bad2.md:2: 'tags' must be a list of text, got 3",
            "archival/notes.txt: not a fact (facts are .md files); ignored");
  }

  @Test
  void deleteRemovesTheFile() {
    Fact f = store.insert("Temporary.", List.of());
    store.delete(f.id());
    assertThat(Files.exists(arch.resolve(f.fileName()))).isFalse();
    assertThatThrownBy(() -> store.get(f.id()))
        .isInstanceOf(EditException.class)
        .hasMessage("no archival fact with id '" + f.id() + "'");
  }

  @Test
  void badInputIsRefused() {
    assertThatThrownBy(() -> store.insert("  \n ", List.of()))
        .hasMessage("a fact needs text; got an empty one");
    assertThatThrownBy(() -> store.insert("x".repeat(20_001), List.of()))
        .hasMessage("a fact may hold at most 20000 chars, got 20001; split it");
    assertThatThrownBy(() -> store.insert("x", List.of("two\nlines")))
        .hasMessageContaining("invalid tag");
    assertThatThrownBy(() -> store.get("../agent.yaml"))
        .hasMessage("invalid archival id \"../agent.yaml\"");
  }

  @Test
  void aMissingArchivalFolderMeansNoFacts() throws Exception {
    Files.delete(arch);
    assertThat(store.list().facts()).isEmpty();
    Fact f = store.insert("Recreates the folder.", List.of());
    assertThat(store.get(f.id()).text()).isEqualTo("Recreates the folder.");
  }

  @Test
  void slugsAreShortAndSafe() {
    assertThat(ArchivalStore.slug("Héllo, World! ../etc/passwd"))
        .isEqualTo("h-llo-world-etc-passwd");
    assertThat(ArchivalStore.slug("日本語")).isEqualTo("fact");
    assertThat(ArchivalStore.slug("a b c d e f g h")).isEqualTo("a-b-c-d-e-f");
  }
}
