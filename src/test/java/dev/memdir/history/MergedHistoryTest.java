package dev.memdir.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.format.Durability;
import dev.memdir.format.Layout;
import dev.memdir.format.WriteLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What readers make of a segment that git's union merge wrote: one side's lines after the other's.
 */
class MergedHistoryTest {
  @TempDir Path dir;

  static String line(String id, String ts, String text) {
    return "{\"v\":1,\"id\":\""
        + id
        + "\",\"ts\":\"2026-11-26T"
        + ts
        + "Z\",\"role\":\"user\","
        + "\"content\":\""
        + text
        + "\"}";
  }

  @Test
  void tailReturnsTheRecordsOfBothSidesInTimeOrderEachOnce() throws Exception {
    Files.createDirectories(dir.resolve("history"));
    Files.writeString(dir.resolve("agent.yaml"), "name: a\n");
    Files.write(
        dir.resolve("history/2026-11.jsonl"),
        List.of(
            line("01JDQ00000000000000000000A", "10:00:00", "base"),
            line("01JDQ00000000000000000000C", "10:05:00", "ours 1"),
            line("01JDQ00000000000000000000D", "10:06:00", "ours 2"),
            line("01JDQ00000000000000000000B", "10:01:00", "theirs 1"),
            line("01JDQ00000000000000000000E", "10:07:00", "theirs 2"),
            line("01JDQ00000000000000000000C", "10:05:00", "ours 1")));
    Layout layout = Layout.of(dir);
    HistoryLog log =
        HistoryLog.open(
            layout,
            Durability.TURN,
            WriteLock.of(layout, WriteLock.DEFAULT_WAIT),
            Clock.systemUTC());
    assertThat(log.tail(10))
        .extracting(Record::content)
        .containsExactly("base", "theirs 1", "ours 1", "ours 2", "theirs 2");
    log.close();
  }
}
