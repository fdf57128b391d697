package dev.memdir.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.TestAgents;
import dev.memdir.format.Durability;
import dev.memdir.format.Layout;
import dev.memdir.format.Problem;
import dev.memdir.format.WriteLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records whose {@code content} a person wrote as something other than text. */
class HistoryContentTest {
  static final String HEAD = "{\"v\":1,\"ts\":\"2026-11-26T08:30:0";

  @TempDir Path dir;
  Layout layout;
  Path seg;

  @BeforeEach
  void setUp() throws Exception {
    TestAgents.create(dir).close();
    layout = Layout.of(dir);
    seg = dir.resolve("history/2026-11.jsonl");
    Files.writeString(
        seg,
        line(0, "\"Hi\"")
            + line(1, "{\"text\":\"an object\"}")
            + line(2, "42")
            + line(3, "[\"a\",\"b\"]")
            + line(4, "true")
            + line(5, "null"));
  }

  static String line(int i, String content) {
    return "{\"v\":1,\"id\":\"01JDX3M8Q4ZK6Y5W2R9T7C1B0"
        + i
        + "\",\"ts\":\"2026-11-26T08:30:0"
        + i
        + "Z\",\"role\":\"user\",\"content\":"
        + content
        + "}\n";
  }

  @Test
  void validateReportsContentThatIsNotTextWithFileAndLine() {
    List<String> problems =
        HistoryLog.validate(layout).stream()
            .filter(Problem::isError)
            .map(Problem::toString)
            .collect(Collectors.toList());
    assertThat(problems)
        .containsExactly(
            "history/2026-11.jsonl:2: 'content' must be a string, got an object;"
                + " readers show it as JSON",
            "history/2026-11.jsonl:3: 'content' must be a string, got a number;"
                + " readers show it as JSON",
            "history/2026-11.jsonl:4: 'content' must be a string, got a list;"
                + " readers show it as JSON",
            "history/2026-11.jsonl:5: 'content' must be a string, got a boolean;"
                + " readers show it as JSON");
  }

  @Test
  void readersShowContentThatIsNotTextAsMarkedJsonInsteadOfDroppingIt() {
    try (HistoryLog log =
            HistoryLog.open(
                layout,
                Durability.TURN,
                WriteLock.of(layout, Duration.ofSeconds(5)),
                Clock.fixed(Instant.parse("2026-11-26T08:30:00Z"), ZoneOffset.UTC));
        Stream<Record> s = log.stream()) {
      assertThat(s.map(Record::content))
          .containsExactly(
              "Hi",
              "[content is not text] {\"text\":\"an object\"}",
              "[content is not text] 42",
              "[content is not text] [\"a\",\"b\"]",
              "[content is not text] true",
              "");
    }
  }
}
