package dev.memdir.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.TestAgents;
import dev.memdir.format.Durability;
import dev.memdir.format.Layout;
import dev.memdir.format.WriteLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadSegmentTest {
  @TempDir Path dir;

  @Test
  void aSegmentIsReadFromAnOffsetWithTheEndOfEachLine() throws Exception {
    TestAgents.create(dir).close();
    Layout layout = Layout.of(dir);
    Instant now = Instant.parse("2026-11-26T08:30:00Z");
    try (HistoryLog log =
        HistoryLog.open(
            layout,
            Durability.NEVER,
            WriteLock.of(layout, Duration.ofSeconds(5)),
            Clock.fixed(now, ZoneOffset.UTC))) {
      log.append(Message.user("one"));
      log.append(Message.user("two"));
      Path seg = dir.resolve("history/2026-11.jsonl");
      Files.writeString(
          seg, "not json\n{\"v\":1,", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      assertThat(log.segmentNames()).containsExactly("2026-11.jsonl");
      List<String> seen = new ArrayList<>();
      List<Long> ends = new ArrayList<>();
      long end =
          log.readSegment(
              "2026-11.jsonl",
              0,
              (r, after) -> {
                seen.add(r.content());
                ends.add(after);
              });
      assertThat(seen).containsExactly("one", "two");
      long firstEnd = ends.get(0);
      // The corrupt line is passed over; the unfinished last line is not read.
      assertThat(end).isEqualTo(Files.size(seg) - "{\"v\":1,".length());
      List<String> rest = new ArrayList<>();
      assertThat(log.readSegment("2026-11.jsonl", firstEnd, (r, after) -> rest.add(r.content())))
          .isEqualTo(end);
      assertThat(rest).containsExactly("two");
      assertThatThrownBy(() -> log.readSegment("../agent.yaml", 0, (r, a) -> {}))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(log.readSegment("1999-01.jsonl", 0, (r, a) -> {})).isZero();
    }
  }
}
