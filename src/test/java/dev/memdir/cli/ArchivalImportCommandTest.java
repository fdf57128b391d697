package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.archival.ArchivalStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchivalImportCommandTest {
  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void init() {
    dir = tmp.resolve("ada");
    assertThat(CliTest.run("init", dir.toString()).code()).isZero();
  }

  private Path file(String text) throws Exception {
    Path f = tmp.resolve("facts.jsonl");
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  private long factFiles() throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("archival"))) {
      return s.filter(p -> p.toString().endsWith(".md")).count();
    }
  }

  @Test
  void importStoresEachFactWithItsTagsAndDate() throws Exception {
    Path f =
        file(
            "{\"text\":\"Ada prefers green tea.\",\"tags\":[\"preferences\"],\"date\":\"2026-11-20\"}\n"
                + "\n"
                + "{\"text\":\"Ada's thesis is on Bernoulli numbers.\","
                + "\"date\":\"2026-11-21T09:15:00Z\"}\n"
                + "{\"text\":\"Ada lives in London.\"}");
    CliTest.Result r = CliTest.run("archival", "import", dir.toString(), f.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("3 facts stored, 0 already present\n");
    Path tea =
        dir.resolve("archival")
            .resolve(
                Files.list(dir.resolve("archival"))
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("2026-11-20-ada-prefers-green-tea"))
                    .findFirst()
                    .orElseThrow());
    assertThat(Files.readString(tea))
        .contains("created: 2026-11-20T00:00:00Z")
        .contains("- preferences")
        .endsWith("Ada prefers green tea.\n");
    assertThat(CliTest.run("archival", "list", dir.toString()).out())
        .contains("2026-11-21-ada-s-thesis-is-on-bernoulli-")
        .contains("Ada lives in London.");
    assertThat(CliTest.run("archival", "list", dir.toString(), "--json").out())
        .contains("2026-11-21T09:15:00Z");
    assertThat(CliTest.run("validate", dir.toString()).code()).isZero();
  }

  @Test
  void importingAgainStoresNothingNew() throws Exception {
    Path f =
        file(
            "{\"text\":\"one\",\"date\":\"2026-11-20\"}\n"
                + "{\"text\":\"two\",\"date\":\"2026-11-20\"}\n");
    assertThat(CliTest.run("archival", "import", dir.toString(), f.toString()).out())
        .isEqualTo("2 facts stored, 0 already present\n");
    assertThat(CliTest.run("archival", "import", dir.toString(), f.toString()).out())
        .isEqualTo("0 facts stored, 2 already present\n");
    assertThat(factFiles()).isEqualTo(2);
  }

  @Test
  void aWrongLineIsReportedWithFileAndLineAndNothingIsStored() throws Exception {
    String good = "{\"text\":\"fine\"}\n";
    String[][] cases = {
      {"{\"text\":\"cut", "2: not JSON"},
      {"\"just text\"", "2: expected a JSON object like"},
      {"{\"tags\":[\"a\"]}", "2: missing 'text'"},
      {"{\"text\":\"x\",\"tag\":\"a\"}", "2: unknown key 'tag' (known: text, tags, date)"},
      {"{\"text\":\"x\",\"tags\":\"a\"}", "2: 'tags' must be a list of text"},
      {"{\"text\":\"  \"}", "2: a fact needs text; got an empty one"},
      {
        "{\"text\":\"" + "y".repeat(ArchivalStore.MAX_FACT_CHARS + 1) + "\"}",
        "2: a fact may hold at most 20000 chars, got 20001; split it"
      },
      {"{\"text\":\"x\",\"tags\":[\"" + "t".repeat(65) + "\"]}", "2: invalid tag"},
      {"{\"text\":\"x\",\"date\":\"last week\"}", "2: 'date' must be a day like 2026-11-26"},
      {"{\"text\":\"x\",\"text\":\"y\"}", "2: not JSON: Duplicate field 'text'"},
    };
    for (String[] c : cases) {
      Path f = file(good + c[0] + "\n" + good);
      CliTest.Result r = CliTest.run("archival", "import", dir.toString(), f.toString());
      assertThat(r.code()).as(c[0]).isEqualTo(1);
      assertThat(r.err()).as(c[0]).startsWith("memdir: " + f + ":" + c[1]);
      assertThat(factFiles()).as(c[0]).isZero();
    }
  }

  @Test
  void aMissingFileIsAnErrorNamingIt() {
    Path f = tmp.resolve("nope.jsonl");
    CliTest.Result r = CliTest.run("archival", "import", dir.toString(), f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("memdir: ").contains(f.toString());
  }
}
