package dev.memdir.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.MemdirException;
import dev.memdir.TestAgents;
import dev.memdir.format.Durability;
import dev.memdir.format.Layout;
import dev.memdir.format.WriteLock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryLogAppendAllTest {
  static final Instant NOW = Instant.parse("2026-11-26T08:30:00Z");
  static final Instant OCTOBER = Instant.parse("2026-10-02T10:00:00Z");

  @TempDir Path dir;
  Layout layout;

  @BeforeEach
  void setUp() {
    TestAgents.create(dir).close();
    layout = Layout.of(dir);
  }

  HistoryLog open(Durability d, HistoryLog.ChannelOpener opener) {
    return HistoryLog.open(
        layout,
        d,
        WriteLock.of(layout, Duration.ofSeconds(5)),
        Clock.fixed(NOW, ZoneOffset.UTC),
        opener);
  }

  static HistoryLog.ChannelOpener channels(AtomicInteger forces, long budget) {
    return p ->
        new HistoryLogTest.FailingChannel(
            FileChannel.open(
                p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
            budget) {
          @Override
          public void force(boolean metaData) throws IOException {
            forces.incrementAndGet();
            super.force(metaData);
          }
        };
  }

  static List<HistoryLog.Entry> entries() {
    return List.of(
        new HistoryLog.Entry(Message.user("one"), NOW),
        new HistoryLog.Entry(Message.assistant("two"), OCTOBER),
        new HistoryLog.Entry(Message.user("three"), NOW));
  }

  @Test
  void appendAllWritesEachMonthsSegmentAndForcesEachOnceUnderAlways() throws Exception {
    AtomicInteger forces = new AtomicInteger();
    try (HistoryLog log = open(Durability.ALWAYS, channels(forces, Long.MAX_VALUE))) {
      log.append(Message.user("zero"));
      forces.set(0);
      List<Record> written = log.appendAll(entries());
      assertThat(written).extracting(Record::content).containsExactly("one", "two", "three");
      assertThat(forces.get()).isEqualTo(2);
      try (Stream<Record> s = log.stream()) {
        assertThat(s.map(Record::content)).containsExactly("two", "zero", "one", "three");
      }
      assertThat(log.count()).isEqualTo(4);
    }
    assertThat(Files.readAllLines(dir.resolve("history/2026-10.jsonl"))).hasSize(1);
    assertThat(HistoryLog.validate(layout)).isEmpty();
  }

  @Test
  void aFullDiskOnTheSecondSegmentCutsBackTheFirst() throws Exception {
    try (HistoryLog log = open(Durability.TURN, channels(new AtomicInteger(), Long.MAX_VALUE))) {
      log.append(Message.user("zero"));
      log.append(Message.user("older"), OCTOBER);
    }
    byte[] november = Files.readAllBytes(dir.resolve("history/2026-11.jsonl"));
    byte[] october = Files.readAllBytes(dir.resolve("history/2026-10.jsonl"));
    AtomicInteger opens = new AtomicInteger();
    HistoryLog.ChannelOpener secondFails =
        p ->
            opens.incrementAndGet() == 1
                ? channels(new AtomicInteger(), Long.MAX_VALUE).open(p)
                : channels(new AtomicInteger(), 5).open(p);
    try (HistoryLog log = open(Durability.TURN, secondFails)) {
      assertThatThrownBy(() -> log.appendAll(entries()))
          .isInstanceOf(MemdirException.class)
          .hasMessageContaining("No space left on device")
          .hasMessageContaining("none was written");
    }
    assertThat(Files.readAllBytes(dir.resolve("history/2026-11.jsonl"))).isEqualTo(november);
    assertThat(Files.readAllBytes(dir.resolve("history/2026-10.jsonl"))).isEqualTo(october);
    assertThat(HistoryLog.validate(layout)).isEmpty();
  }

  @Test
  void aRecordOverTheLineCapWritesNothing() throws Exception {
    String big = "x".repeat(HistoryLog.MAX_LINE_BYTES);
    try (HistoryLog log = open(Durability.TURN, channels(new AtomicInteger(), Long.MAX_VALUE))) {
      assertThatThrownBy(
              () ->
                  log.appendAll(
                      List.of(
                          new HistoryLog.Entry(Message.user("fine"), NOW),
                          new HistoryLog.Entry(Message.user(big), NOW))))
          .isInstanceOf(MemdirException.class)
          .hasMessageStartingWith("entry 1: a history record may be at most");
      assertThat(log.count()).isZero();
    }
  }
}
