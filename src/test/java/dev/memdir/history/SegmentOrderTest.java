package dev.memdir.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.format.Durability;
import dev.memdir.format.Layout;
import dev.memdir.format.WriteLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A segment a merge left out of time order is sorted on disk when the agent opens, once. */
class SegmentOrderTest {
  @TempDir Path dir;

  private static final String ID = "01JDQ0000000000000000000";

  static String line(int n, int minute) {
    return "{\"v\":1,\"id\":\""
        + ID
        + String.format("%02d", n)
        + "\",\"ts\":\"2026-11-26T10:"
        + String.format("%02d", minute)
        + ":00Z\",\"role\":\"user\",\"content\":\"m"
        + n
        + "\"}";
  }

  private HistoryLog open() {
    Layout layout = Layout.of(dir);
    return HistoryLog.open(
        layout, Durability.TURN, WriteLock.of(layout, WriteLock.DEFAULT_WAIT), Clock.systemUTC());
  }

  private Path segment() {
    return dir.resolve("history/2026-11.jsonl");
  }

  private List<Record> all(HistoryLog log) {
    try (Stream<Record> s = log.stream()) {
      return s.toList();
    }
  }

  @Test
  void aUnionMergedSegmentIsSortedOnDiskWhenTheAgentOpensAndEveryReaderSeesTimeOrder()
      throws Exception {
    Files.createDirectories(dir.resolve("history"));
    Files.writeString(dir.resolve("agent.yaml"), "name: a\n");
    // Base, our two, their two, and our first again: what git's union driver may write.
    Files.write(
        segment(), List.of(line(0, 0), line(2, 5), line(3, 6), line(1, 1), line(4, 7), line(2, 5)));
    try (HistoryLog log = open()) {
      assertThat(all(log))
          .extracting(Record::content)
          .containsExactly("m0", "m1", "m2", "m3", "m4");
      assertThat(log.tail(2)).extracting(Record::content).containsExactly("m3", "m4");
      assertThat(log.count()).isEqualTo(5);
      assertThat(log.warnings()).anyMatch(p -> p.toString().contains("sorted"));
    }
    assertThat(Files.readAllLines(segment()))
        .containsExactly(line(0, 0), line(1, 1), line(2, 5), line(3, 6), line(4, 7));
  }

  @Test
  void anInOrderSegmentIsNeverRewrittenAndAppendsAreCheckedFromWhereTheCheckStopped()
      throws Exception {
    Files.createDirectories(dir.resolve("history"));
    Files.writeString(dir.resolve("agent.yaml"), "name: a\n");
    Files.write(segment(), List.of(line(0, 0), line(1, 1)));
    Object inode;
    try (HistoryLog log = open()) {
      assertThat(log.warnings()).isEmpty();
    }
    inode = Files.readAttributes(segment(), "unix:ino").get("ino");
    Files.writeString(segment(), line(2, 2) + "\n", java.nio.file.StandardOpenOption.APPEND);
    try (HistoryLog log = open()) {
      assertThat(log.warnings()).isEmpty();
    }
    assertThat(Files.readAttributes(segment(), "unix:ino").get("ino")).isEqualTo(inode);
    // An append with an older time than the last record checked is caught from the stored end.
    Files.writeString(segment(), line(3, 1) + "\n", java.nio.file.StandardOpenOption.APPEND);
    try (HistoryLog log = open()) {
      assertThat(all(log)).extracting(Record::content).containsExactly("m0", "m1", "m3", "m2");
    }
  }

  @Test
  void aSegmentWithALineThatIsNotARecordIsLeftAsItIsWithAWarning() throws Exception {
    Files.createDirectories(dir.resolve("history"));
    Files.writeString(dir.resolve("agent.yaml"), "name: a\n");
    List<String> lines = List.of(line(1, 1), "not json", line(0, 0));
    Files.write(segment(), lines);
    try (HistoryLog log = open()) {
      assertThat(log.warnings()).anyMatch(p -> p.toString().contains("line 2 is not a record"));
    }
    assertThat(Files.readAllLines(segment())).isEqualTo(lines);
  }

  @Test
  void aWriterHoldingTheLockDefersTheSortToTheNextOpen() throws Exception {
    Files.createDirectories(dir.resolve("history"));
    Files.writeString(dir.resolve("agent.yaml"), "name: a\n");
    Files.write(segment(), List.of(line(1, 1), line(0, 0)));
    Layout layout = Layout.of(dir);
    // Another thread of this process is another writer (the lock is reentrant per thread).
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    Thread writer =
        new Thread(
            () -> {
              Optional<WriteLock.Hold> hold =
                  WriteLock.of(layout, WriteLock.DEFAULT_WAIT).tryAcquire();
              held.countDown();
              try {
                done.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                hold.ifPresent(WriteLock.Hold::close);
              }
            });
    writer.start();
    held.await();
    try (HistoryLog log = open()) {
      assertThat(log.warnings()).anyMatch(p -> p.toString().contains("sorted at the next open"));
      assertThat(Files.readAllLines(segment())).containsExactly(line(1, 1), line(0, 0));
    } finally {
      done.countDown();
      writer.join();
    }
    try (HistoryLog log = open()) {
      assertThat(all(log)).extracting(Record::content).containsExactly("m0", "m1");
    }
  }

  @Test
  void seededRandomUnionMergesComeBackSortedWithEveryRecordOnce() throws Exception {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    Files.createDirectories(dir.resolve("history"));
    Files.writeString(dir.resolve("agent.yaml"), "name: a\n");
    for (int round = 0; round < 30; round++) {
      List<String> base = new ArrayList<>();
      List<String> ours = new ArrayList<>();
      List<String> theirs = new ArrayList<>();
      List<Integer> minutes = new ArrayList<>();
      for (int m = 0; m < 60; m++) {
        minutes.add(m);
      }
      Collections.shuffle(minutes, r);
      int n = 1 + r.nextInt(40);
      int shared = r.nextInt(n);
      List<Integer> taken = new ArrayList<>(minutes.subList(0, n));
      List<Integer> sharedMinutes = new ArrayList<>(taken.subList(0, shared));
      Collections.sort(sharedMinutes);
      sharedMinutes.forEach(m -> base.add(line(m, m)));
      for (int m : taken.subList(shared, n)) {
        (r.nextBoolean() ? ours : theirs).add(line(m, m));
      }
      Collections.sort(ours);
      Collections.sort(theirs);
      List<String> union = new ArrayList<>(base);
      union.addAll(ours);
      union.addAll(theirs);
      if (!ours.isEmpty() && r.nextBoolean()) {
        union.add(ours.get(0)); // a record both sides added: the union keeps it twice
      }
      Files.write(segment(), union);
      Files.setLastModifiedTime(segment(), FileTime.from(Instant.now().plusSeconds(round)));
      try (HistoryLog log = open()) {
        List<Record> h = all(log);
        assertThat(h).as("seed %d round %d", seed, round).hasSize(n);
        assertThat(h).extracting(Record::ts).as("seed %d round %d", seed, round).isSorted();
        assertThat(h).extracting(Record::id).doesNotHaveDuplicates();
      }
    }
  }
}
