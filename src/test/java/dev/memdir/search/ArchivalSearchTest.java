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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchivalSearchTest {
  @TempDir Path tmp;
  Path agent;
  Search search;

  private static ArchivalStore at(Layout layout, String time) {
    return new ArchivalStore(layout, Clock.fixed(Instant.parse(time), ZoneOffset.UTC));
  }

  @BeforeEach
  void setUp() {
    agent = Fixtures.emptyAgent(tmp);
    Layout layout = Layout.of(agent);
    at(layout, "2026-09-18T07:00:00Z")
        .insert("Lia's school starts at 8.", List.of("family", "school"));
    at(layout, "2026-10-27T12:00:00Z").insert("Tom's dentist is Dr. Weber.", List.of("health"));
    at(layout, "2026-11-12T09:30:00Z")
        .insert(
            "Tom prefers trains to flights for trips under 600 km.", List.of("travel", "Prefs"));
    at(layout, "2026-11-20T10:00:00Z")
        .insert("Tom's school friend Ben visits in December.", List.of("family"));
    search =
        Search.open(
            layout, SearchSettings.defaults(), new ArchivalStore(layout, Clock.systemUTC()));
  }

  private List<String> ids(Results<FactHit> r) {
    return r.hits().stream().map(h -> h.text()).toList();
  }

  private Results<FactHit> find(
      String q, List<String> tags, Search.TagMatch m, String from, String to, int k) {
    return search.archivalMemorySearch(
        q,
        tags,
        m,
        Optional.ofNullable(from).map(v -> Search.parseTime("start_datetime", v, false)),
        Optional.ofNullable(to).map(v -> Search.parseTime("end_datetime", v, true)),
        k);
  }

  @Test
  void factsAreRankedByBm25() {
    Results<FactHit> r = find("Tom school", List.of(), Search.TagMatch.ANY, null, null, 10);
    assertThat(ids(r))
        .containsExactly(
            "Tom's school friend Ben visits in December.",
            "Lia's school starts at 8.",
            "Tom's dentist is Dr. Weber.",
            "Tom prefers trains to flights for trips under 600 km.");
    FactHit top = r.hits().get(0);
    assertThat(top.created()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
    assertThat(top.tags()).containsExactly("family");
    assertThat(top.file()).startsWith("archival/2026-11-20-tom-s-school-friend-ben-visits");
    assertThat(top.id())
        .isEqualTo(top.file().substring("archival/".length(), top.file().length() - 3));
  }

  @Test
  void tagsFilterWithAnyOrAllAndIgnoreCase() {
    assertThat(ids(find("Tom school", List.of("FAMILY"), Search.TagMatch.ANY, null, null, 10)))
        .containsExactly(
            "Tom's school friend Ben visits in December.", "Lia's school starts at 8.");
    assertThat(
            ids(find("school", List.of("family", "school"), Search.TagMatch.ALL, null, null, 10)))
        .containsExactly("Lia's school starts at 8.");
    assertThat(ids(find("trains", List.of("prefs"), Search.TagMatch.ANY, null, null, 10)))
        .containsExactly("Tom prefers trains to flights for trips under 600 km.");
  }

  @Test
  void creationTimeBoundsAreInclusiveAndADateEndCoversItsDay() {
    assertThat(ids(find("Tom", List.of(), Search.TagMatch.ANY, "2026-10-27", "2026-11-12", 10)))
        .containsExactly(
            "Tom's dentist is Dr. Weber.", "Tom prefers trains to flights for trips under 600 km.");
    assertThat(ids(find("Tom", List.of(), Search.TagMatch.ANY, "2026-11-12T09:30:01Z", null, 10)))
        .containsExactly("Tom's school friend Ben visits in December.");
  }

  @Test
  void filtersAloneListMatchingFactsNewestFirst() {
    Results<FactHit> r = find("", List.of("family"), Search.TagMatch.ANY, null, null, 10);
    assertThat(ids(r))
        .containsExactly(
            "Tom's school friend Ben visits in December.", "Lia's school starts at 8.");
    assertThat(r.hits()).extracting(FactHit::score).containsOnly(0.0);
  }

  @Test
  void anEmptyQueryWithoutFiltersGetsANote() {
    Results<FactHit> r = find("the", List.of(), Search.TagMatch.ANY, null, null, 10);
    assertThat(r.hits()).isEmpty();
    assertThat(r.notes()).hasSize(1);
    assertThat(r.notes().get(0)).startsWith("the query \"the\" has only common words");
  }

  @Test
  void topKIsCappedAndMalformedTimesAreRefused() {
    Results<FactHit> r = find("Tom", List.of(), Search.TagMatch.ANY, null, null, 1_000_000);
    assertThat(r.hits()).hasSize(3);
    assertThat(r.notes()).contains("top_k 1000000 capped at 100");
    assertThatThrownBy(() -> find("Tom", List.of(), Search.TagMatch.ANY, "last tuesday", null, 5))
        .isInstanceOf(ToolException.class)
        .hasMessage(
            "start_datetime must be an ISO-8601 date or time like 2026-11-26 or"
                + " 2026-11-26T08:30:00Z, got \"last tuesday\"");
    assertThatThrownBy(
            () -> find("Tom", List.of(), Search.TagMatch.ANY, "2026-12-01", "2026-11-01", 5))
        .hasMessage(
            "start_datetime 2026-12-01T00:00:00Z is after end_datetime 2026-11-01T23:59:59Z");
  }

  @Test
  void factsAddedEditedOrDeletedByHandAreSeenByTheNextSearch() throws IOException {
    assertThat(find("dentist", List.of(), Search.TagMatch.ANY, null, null, 5).hits()).hasSize(1);
    Path dir = agent.resolve("archival");
    Files.writeString(
        dir.resolve("2026-11-25-hand-written.md"),
        "---\ncreated: 2026-11-25T08:00:00Z\n---\nThe new dentist is Dr. Vogel.\n");
    assertThat(ids(find("dentist", List.of(), Search.TagMatch.ANY, null, null, 5)))
        .containsExactly("The new dentist is Dr. Vogel.", "Tom's dentist is Dr. Weber.");
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.getFileName().toString().contains("dentist-is-dr-weber")) {
          Files.delete(p);
        }
      }
    }
    assertThat(ids(find("dentist", List.of(), Search.TagMatch.ANY, null, null, 5)))
        .containsExactly("The new dentist is Dr. Vogel.");
  }

  @Test
  void aBrokenFactFileIsSkippedAndTheOthersAreSearched() throws IOException {
    Files.writeString(agent.resolve("archival/2026-11-26-broken.md"), "---\ncreated: [\n---\nx\n");
    assertThat(find("dentist", List.of(), Search.TagMatch.ANY, null, null, 5).hits()).hasSize(1);
    assertThat(search.skipped()).hasSize(1);
    assertThat(search.skipped().get(0)).startsWith("archival/2026-11-26-broken.md: ");
  }

  @Test
  void aThreeGigabyteFactIsSkippedUnreadAndTheOthersAreStillFound() throws IOException {
    // Sparse: no disk used. The index build once read it whole and ran out of memory.
    try (java.io.RandomAccessFile f =
        new java.io.RandomAccessFile(
            agent.resolve("archival/2026-11-21-huge-abcdef.md").toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    Results<FactHit> r = find("dentist", List.of(), Search.TagMatch.ANY, null, null, 10);
    assertThat(ids(r)).containsExactly("Tom's dentist is Dr. Weber.");
    assertThat(search.skipped())
        .contains(
            "archival/2026-11-21-huge-abcdef.md: file is 3221225472 bytes, over the limit of"
                + " 1048576 bytes");
  }
}
