package dev.memdir.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.MemdirException;
import dev.memdir.TestAgents;
import dev.memdir.format.Durability;
import dev.memdir.format.Layout;
import dev.memdir.format.Problem;
import dev.memdir.format.WriteLock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryLogTest {
  static final Instant NOW = Instant.parse("2026-11-26T08:30:00Z");

  @TempDir Path dir;
  Layout layout;
  Path seg;

  @BeforeEach
  void setUp() {
    TestAgents.create(dir).close();
    layout = Layout.of(dir);
    seg = dir.resolve("history/2026-11.jsonl");
  }

  HistoryLog open() {
    return open(Durability.TURN);
  }

  HistoryLog open(Durability durability) {
    return HistoryLog.open(layout, durability, lock(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  WriteLock lock() {
    return WriteLock.of(layout, Duration.ofSeconds(5));
  }

  static List<String> contents(HistoryLog log) {
    try (Stream<Record> s = log.stream()) {
      return s.map(Record::content).collect(Collectors.toList());
    }
  }

  static String record(String id, String ts, String content) {
    return "{\"v\":1,\"id\":\""
        + id
        + "\",\"ts\":\""
        + ts
        + "\",\"role\":\"user\",\"content\":\""
        + content
        + "\"}";
  }

  List<Problem> validate() {
    return HistoryLog.validate(layout);
  }

  @Test
  void appendedRecordsReadBackInOrderAsOneLineEach() throws Exception {
    try (HistoryLog log = open()) {
      Record a = log.append(Message.user("Hi"));
      Record b = log.append(Message.assistant("Hello!\nHow can I help?"));
      assertThat(a.ts()).isEqualTo(NOW);
      assertThat(b.id()).isGreaterThan(a.id());
      assertThat(contents(log)).containsExactly("Hi", "Hello!\nHow can I help?");
      assertThat(log.tail(1)).containsExactly(b);
    }
    assertThat(Files.readAllLines(seg)).hasSize(2);
    assertThat(Files.readString(seg)).endsWith("\"content\":\"Hello!\\nHow can I help?\"}\n");
    assertThat(validate()).isEmpty();
  }

  @Test
  void theSegmentIsChosenByTheRecordsMonthSoImportsGoToOldSegments() {
    try (HistoryLog log = open()) {
      log.append(Message.user("now"));
      Record old = log.append(Message.user("imported"), Instant.parse("2024-03-01T10:00:00.5Z"));
      assertThat(Ulid.timeOf(old.id())).contains(old.ts());
      assertThat(dir.resolve("history/2024-03.jsonl")).exists();
      assertThat(contents(log)).containsExactly("imported", "now");
      assertThat(log.tail(5)).extracting(Record::content).containsExactly("imported", "now");
      assertThat(log.count()).isEqualTo(2);
    }
  }

  @Test
  void aRecordInTheWrongMonthIsAWarningAndTimesOutsideUlidsAreRefused() throws Exception {
    Files.writeString(
        seg, record("01JDX3M8Q4ZK6Y5W2R9T7C1B0A", "2026-10-31T23:59:59Z", "moved by hand") + "\n");
    assertThat(validate())
        .extracting(Problem::toString)
        .containsExactly(
            "history/2026-11.jsonl:1: 'ts' 2026-10-31T23:59:59Z belongs in history/2026-10.jsonl");
    try (HistoryLog log = open()) {
      assertThatThrownBy(() -> log.append(Message.user("x"), Instant.parse("1969-07-20T20:17:00Z")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "a history record's time must be in the years 1970 to 9999, got 1969-07-20T20:17:00Z");
    }
  }

  @Test
  void unknownFieldsAndRolesRoundTripThroughTheLog() {
    try (HistoryLog log = open()) {
      var json =
          Record.JSON
              .createObjectNode()
              .put("role", "narrator")
              .put("content", "Once")
              .put("x_mood", "calm");
      log.append(Message.fromJson(json));
      Record r = log.tail(1).get(0);
      assertThat(r.role()).isEqualTo("narrator");
      assertThat(r.field("x_mood").orElseThrow().asText()).isEqualTo("calm");
    }
    assertThat(validate())
        .extracting(Problem::toString)
        .containsExactly(
            "history/2026-11.jsonl:1: unknown role 'narrator' (known: system, user, assistant,"
                + " tool, summary, event); kept as is");
  }

  @Test
  void tailReadsBackwardsAcrossSegmentsAndSkipsCorruptAndBlankLines() throws Exception {
    try (HistoryLog log = open()) {
      for (int i = 0; i < 5; i++) {
        log.append(Message.user("old-" + i), Instant.parse("2026-10-01T00:00:00Z").plusSeconds(i));
      }
      log.append(Message.user("new-0"));
      Files.writeString(seg, "not json\n\n", StandardOpenOption.APPEND);
      log.append(Message.user("new-1"));
      assertThat(log.tail(4))
          .extracting(Record::content)
          .containsExactly("old-3", "old-4", "new-0", "new-1");
      assertThat(log.tail(100)).hasSize(7);
      assertThat(log.tail(0)).isEmpty();
    }
  }

  @Test
  void tailFindsRecordsLongerThanTheReadChunk() {
    String big = "x".repeat(200_000);
    try (HistoryLog log = open()) {
      log.append(Message.user("a"));
      log.append(Message.user(big));
      log.append(Message.user("c"));
      assertThat(log.tail(3)).extracting(r -> r.content().length()).containsExactly(1, 200_000, 1);
    }
  }

  @Test
  void streamAfterAnIdReturnsTheRecordsThatFollowIt() {
    try (HistoryLog log = open()) {
      Record first = log.append(Message.user("a"), Instant.parse("2026-10-05T00:00:00Z"));
      Record second = log.append(Message.user("b"), Instant.parse("2026-10-06T00:00:00Z"));
      log.append(Message.user("c"));
      try (Stream<Record> s = log.streamAfter(first.id())) {
        assertThat(s.map(Record::content)).containsExactly("b", "c");
      }
      try (Stream<Record> s = log.streamAfter(second.id())) {
        assertThat(s.map(Record::content)).containsExactly("c");
      }
      assertThatThrownBy(() -> log.streamAfter("01JDX3M8Q4ZK6Y5W2R9T7C1B0A"))
          .isInstanceOf(MemdirException.class)
          .hasMessage("no history record with id '01JDX3M8Q4ZK6Y5W2R9T7C1B0A'");
    }
  }

  @Test
  void countUsesTheIndexAndFollowsHandAppendsEditsAndADeletedIndex() throws Exception {
    try (HistoryLog log = open()) {
      for (int i = 0; i < 10; i++) {
        log.append(Message.user("m" + i));
      }
      assertThat(log.count()).isEqualTo(10);
      assertThat(dir.resolve(".memdir/history-count.json")).exists();
      Files.writeString(
          seg,
          record("01JDX3M8Q4ZK6Y5W2R9T7C1B0A", "2026-11-26T09:00:00Z", "by hand") + "\n",
          StandardOpenOption.APPEND);
      assertThat(log.count()).isEqualTo(11);
    }
    try (HistoryLog log = open()) {
      assertThat(log.count()).isEqualTo(11);
      List<String> lines = new ArrayList<>(Files.readAllLines(seg));
      lines.remove(0); // a person deletes the first line
      Files.write(seg, lines);
      assertThat(log.count()).isEqualTo(10);
      Files.writeString(dir.resolve(".memdir/history-count.json"), "{broken");
    }
    try (HistoryLog log = open()) {
      assertThat(log.count()).isEqualTo(10);
    }
    deleteDerived();
    try (HistoryLog log = open()) {
      assertThat(log.count()).isEqualTo(10);
      assertThat(contents(log)).hasSize(10);
    }
  }

  @Test
  void aHugeCountIndexIsRebuiltUnread() throws Exception {
    try (HistoryLog log = open()) {
      log.append(Message.user("a"));
      assertThat(log.count()).isEqualTo(1);
    }
    try (java.io.RandomAccessFile f =
        new java.io.RandomAccessFile(dir.resolve(".memdir/history-count.json").toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    try (HistoryLog log = open()) {
      assertThat(log.count()).isEqualTo(1);
    }
  }

  @Test
  void aHugeFileWhereATornLineWouldBeSetAsideIsNotReadToCompare() throws Exception {
    try (HistoryLog log = open()) {
      log.append(Message.user("a"));
    }
    long good = Files.size(seg);
    Files.writeString(seg, "{\"v\":1,\"id\":\"01JDX3", StandardOpenOption.APPEND);
    Path taken = dir.resolve("history/quarantine/2026-11-" + good + ".txt");
    Files.createDirectories(taken.getParent());
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(taken.toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    try (HistoryLog log = open()) {
      assertThat(contents(log)).containsExactly("a");
    }
    assertThat(Files.readString(dir.resolve("history/quarantine/2026-11-" + good + "-2.txt")))
        .isEqualTo("{\"v\":1,\"id\":\"01JDX3");
    assertThat(Files.size(taken)).isEqualTo(3L << 30);
  }

  @Test
  void aLineThatIsNotJsonIsSkippedByReadersReportedByValidateAndKept() throws Exception {
    try (HistoryLog log = open()) {
      log.append(Message.user("a"));
      Files.writeString(seg, "{\"v\":1, oops\n", StandardOpenOption.APPEND);
      log.append(Message.user("b"));
      assertThat(contents(log)).containsExactly("a", "b");
    }
    assertThat(validate())
        .extracting(Problem::toString)
        .singleElement()
        .asString()
        .startsWith("history/2026-11.jsonl:2: not JSON: ");
    assertThat(validate().get(0).isError()).isTrue();
    assertThat(Files.readAllLines(seg).get(1)).isEqualTo("{\"v\":1, oops");
  }

  @Test
  void recordsMissingAnIdOrATimeAreErrorsAndSkipped() throws Exception {
    Files.writeString(
        seg,
        "{\"v\":1,\"ts\":\"2026-11-26T08:30:00Z\",\"role\":\"user\",\"content\":\"no id\"}\n"
            + "{\"v\":1,\"id\":\"01JDX3M8Q4ZK6Y5W2R9T7C1B0A\",\"role\":\"user\",\"content\":\"no"
            + " ts\"}\n"
            + record("01JDX3M8Q4ZK6Y5W2R9T7C1B0B", "2026-11-26T08:30:00Z", "fine")
            + "\n");
    try (HistoryLog log = open()) {
      assertThat(contents(log)).containsExactly("fine");
      assertThat(log.tail(10)).extracting(Record::content).containsExactly("fine");
    }
    assertThat(validate())
        .extracting(Problem::toString)
        .containsExactly(
            "history/2026-11.jsonl:1: missing 'id'", "history/2026-11.jsonl:2: missing 'ts'");
  }

  @Test
  void aTornLastLineIsSetAsideInQuarantineAndCutOffWithAWarning() throws Exception {
    try (HistoryLog log = open()) {
      log.append(Message.user("a"));
      log.append(Message.user("b"));
    }
    long good = Files.size(seg);
    Files.writeString(seg, "{\"v\":1,\"id\":\"01JDX3", StandardOpenOption.APPEND);
    assertThat(validate())
        .extracting(Problem::toString)
        .singleElement()
        .asString()
        .startsWith("history/2026-11.jsonl:3: not JSON: ")
        .endsWith(
            "(the last line has no newline: a torn write, set aside in history/quarantine/ at the"
                + " next open)");
    try (HistoryLog log = open()) {
      assertThat(log.warnings())
          .extracting(Problem::toString)
          .containsExactly(
              "history/2026-11.jsonl:3: torn last line (19 bytes, no newline) set aside in"
                  + " history/quarantine/2026-11-"
                  + good
                  + ".txt and cut off");
      assertThat(contents(log)).containsExactly("a", "b");
      log.append(Message.user("c"));
    }
    assertThat(Files.readString(dir.resolve("history/quarantine/2026-11-" + good + ".txt")))
        .isEqualTo("{\"v\":1,\"id\":\"01JDX3");
    assertThat(Files.readAllLines(seg)).hasSize(3);
    assertThat(validate())
        .extracting(Problem::toString)
        .containsExactly(
            "history/quarantine/2026-11-"
                + good
                + ".txt: a torn line set aside after a crash; look at it, then delete it");
  }

  @Test
  void aWholeLastRecordWithoutItsNewlineGetsOneInsteadOfBeingSetAside() throws Exception {
    Files.writeString(
        seg, record("01JDX3M8Q4ZK6Y5W2R9T7C1B0A", "2026-11-26T08:00:00Z", "saved by an editor"));
    assertThat(validate())
        .extracting(Problem::toString)
        .containsExactly(
            "history/2026-11.jsonl:1: no newline at the end of the file; one is added before the"
                + " next append");
    try (HistoryLog log = open()) {
      assertThat(log.warnings())
          .extracting(Problem::toString)
          .containsExactly(
              "history/2026-11.jsonl:1: the last record had no newline at the end; added one");
      log.append(Message.user("next"));
      assertThat(contents(log)).containsExactly("saved by an editor", "next");
    }
    assertThat(dir.resolve("history/quarantine")).doesNotExist();
  }

  @Test
  void aTornTailInAnOlderSegmentIsRepairedBeforeAnAppendToIt() throws Exception {
    Path old = dir.resolve("history/2024-01.jsonl");
    Files.writeString(
        old, record("01HKZ1B2C3D4E5F6G7H8J9K0M1", "2024-01-02T00:00:00Z", "old") + "\n{\"v\":1,");
    Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(NOW.minusSeconds(86_400)));
    Files.writeString(
        seg, record("01JDX3M8Q4ZK6Y5W2R9T7C1B0A", "2026-11-26T08:00:00Z", "new") + "\n");
    try (HistoryLog log = open()) {
      assertThat(log.warnings()).isEmpty(); // only the newest segments are checked on open
      log.append(Message.user("older"), Instant.parse("2024-01-03T00:00:00Z"));
      assertThat(log.warnings())
          .extracting(Problem::toString)
          .containsExactly(
              "history/2024-01.jsonl:2: torn last line (7 bytes, no newline) set aside in"
                  + " history/quarantine/2024-01-"
                  + (Files.readAllLines(old).get(0).length() + 1)
                  + ".txt and cut off");
      assertThat(contents(log)).containsExactly("old", "older", "new");
    }
  }

  @Test
  void aTornTailIsLeftAloneWhileAnotherWriterHoldsTheLock() throws Exception {
    Files.writeString(
        seg, record("01JDX3M8Q4ZK6Y5W2R9T7C1B0A", "2026-11-26T08:00:00Z", "a") + "\n{\"v\":");
    long size = Files.size(seg);
    Thread holder;
    var held = new java.util.concurrent.CountDownLatch(1);
    var release = new java.util.concurrent.CountDownLatch(1);
    holder =
        new Thread(
            () -> {
              try (WriteLock.Hold h = lock().acquire()) {
                held.countDown();
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    holder.start();
    held.await();
    try (HistoryLog log = open()) {
      assertThat(log.warnings()).isEmpty();
      assertThat(Files.size(seg)).isEqualTo(size); // maybe an append in progress: not touched
      assertThat(contents(log)).containsExactly("a");
    }
    release.countDown();
    holder.join();
  }

  @Test
  void aSegmentThatIsADirectoryIsAnErrorAndItsMonthCannotBeAppendedTo() throws Exception {
    Files.createDirectories(seg);
    Files.writeString(dir.resolve("history/notes.txt"), "x");
    try (HistoryLog log = open()) {
      assertThat(log.tail(5)).isEmpty();
      assertThat(log.count()).isZero();
      assertThatThrownBy(() -> log.append(Message.user("x")))
          .isInstanceOf(MemdirException.class)
          .hasMessage(
              "cannot append to history/2026-11.jsonl: it is a directory, expected a file; move it"
                  + " away");
      log.append(Message.user("other month"), Instant.parse("2026-12-01T00:00:00Z"));
      assertThat(contents(log)).containsExactly("other month");
    }
    assertThat(validate())
        .extracting(Problem::toString)
        .containsExactly(
            "history/2026-11.jsonl: is a directory, expected a file; its month cannot be read or"
                + " appended to",
            "history/notes.txt: not a history segment (segments are YYYY-MM.jsonl); ignored");
  }

  @Test
  void aReadOnlyAgentDirectoryRefusesWritesClearlyButStillReads() throws Exception {
    try (HistoryLog log = open()) {
      log.append(Message.user("a"));
    }
    deleteDerived();
    Files.writeString(dir.resolve(".memdir"), "a file where the folder should be");
    try (HistoryLog log = open()) {
      assertThatThrownBy(() -> log.append(Message.user("b")))
          .isInstanceOf(MemdirException.class)
          .hasMessage("cannot lock the agent for writing: .memdir is a file, expected a folder");
      assertThat(log.tail(5)).extracting(Record::content).containsExactly("a");
      assertThat(log.count()).isEqualTo(1);
    }
    Files.delete(dir.resolve(".memdir"));
    Files.move(dir.resolve("history"), dir.resolve("history-moved"));
    Files.writeString(dir.resolve("history"), "a file where the folder should be");
    try (HistoryLog log = open()) {
      assertThatThrownBy(() -> log.append(Message.user("b")))
          .hasMessage(
              "cannot append to history/2026-11.jsonl: history is a file, expected a folder");
      assertThat(log.tail(5)).isEmpty();
    }
  }

  @Test
  void aFullDiskAtTheWriteSiteLeavesNoPartialLine() throws Exception {
    try (HistoryLog log = open()) {
      log.append(Message.user("before"));
    }
    byte[] before = Files.readAllBytes(seg);
    HistoryLog.ChannelOpener full =
        p ->
            new FailingChannel(
                FileChannel.open(
                    p,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND),
                10);
    try (HistoryLog log =
        HistoryLog.open(
            layout, Durability.ALWAYS, lock(), Clock.fixed(NOW, ZoneOffset.UTC), full)) {
      assertThatThrownBy(() -> log.append(Message.user("lost")))
          .isInstanceOf(MemdirException.class)
          .hasMessage(
              "cannot append to history/2026-11.jsonl: No space left on device; the record was not"
                  + " written");
    }
    assertThat(Files.readAllBytes(seg)).isEqualTo(before);
    try (HistoryLog log = open()) {
      assertThat(log.warnings()).isEmpty();
      log.append(Message.user("after"));
      assertThat(contents(log)).containsExactly("before", "after");
    }
    assertThat(validate()).isEmpty();
  }

  @Test
  void durabilityDecidesWhenAppendsAreForced() throws Exception {
    for (Durability d : Durability.values()) {
      AtomicInteger forces = new AtomicInteger();
      HistoryLog.ChannelOpener counting =
          p ->
              new FailingChannel(
                  FileChannel.open(
                      p,
                      StandardOpenOption.CREATE,
                      StandardOpenOption.WRITE,
                      StandardOpenOption.APPEND),
                  Long.MAX_VALUE) {
                @Override
                public void force(boolean metaData) throws IOException {
                  forces.incrementAndGet();
                  super.force(metaData);
                }
              };
      try (HistoryLog log =
          HistoryLog.open(layout, d, lock(), Clock.fixed(NOW, ZoneOffset.UTC), counting)) {
        log.append(Message.user("1"));
        log.append(Message.user("2"));
        int afterAppends = forces.get();
        log.sync();
        assertThat(new int[] {afterAppends, forces.get()})
            .as(d.word())
            .containsExactly(
                d == Durability.ALWAYS
                    ? new int[] {2, 2}
                    : d == Durability.TURN ? new int[] {0, 1} : new int[] {0, 0});
      }
    }
  }

  @Test
  void threadsAppendingAtOnceWriteWholeLinesInIdOrder() throws Exception {
    try (HistoryLog log = open(Durability.NEVER)) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        Thread th =
            new Thread(
                () -> {
                  for (int i = 0; i < 100; i++) {
                    log.append(Message.user(thread + "-" + i));
                  }
                });
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) {
        th.join();
      }
      try (Stream<Record> s = log.stream()) {
        List<String> ids = s.map(Record::id).collect(Collectors.toList());
        assertThat(ids).hasSize(400).isSorted().doesNotHaveDuplicates();
      }
    }
    assertThat(validate()).isEmpty();
  }

  private void deleteDerived() throws IOException {
    try (Stream<Path> s = Files.walk(dir.resolve(".memdir"))) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
  }

  /** A real channel that fails like a full disk after writing {@code budget} bytes. */
  static class FailingChannel extends FileChannel {
    private final FileChannel real;
    private long budget;

    FailingChannel(FileChannel real, long budget) {
      this.real = real;
      this.budget = budget;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (budget <= 0) {
        throw new IOException("No space left on device");
      }
      int n = (int) Math.min(src.remaining(), budget);
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + n);
      int written = real.write(part);
      src.position(src.position() + written);
      budget -= written;
      return written;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      throw new IOException("No space left on device");
    }

    @Override
    public long position() throws IOException {
      return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      real.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      real.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      real.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      throw new IOException("No space left on device");
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      throw new IOException("No space left on device");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      real.close();
    }
  }
}
