package dev.memdir.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.EditException;
import dev.memdir.TestAgents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** People edit block files while the agent runs; their edits must never be lost. */
class HandEditTest {
  @TempDir Path dir;
  CoreMemory memory;
  Path file;

  @BeforeEach
  void setUp() {
    memory = TestAgents.create(dir).memory();
    memory.create("notes", "Shared notes.", 100_000, "start");
    file = dir.resolve("memory/notes.md");
  }

  @Test
  void aPersonSavingWhileTheAgentEditsNeverLosesAnEdit() throws Exception {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    try {
      race(seed);
    } catch (AssertionError | Exception e) {
      throw new AssertionError(
          "failed with seed " + seed + " (rerun: -Dtests.seed=" + seed + ")", e);
    }
  }

  private void race(long seed) throws Exception {
    Random r = new Random(seed);
    int humanEdits = 200;
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger agentOk = new AtomicInteger();
    AtomicInteger agentRefused = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long agentSeed = r.nextLong();
    Thread agent =
        new Thread(
            () -> {
              Random ar = new Random(agentSeed);
              try {
                for (int i = 0; !done.get(); i++) {
                  try {
                    memory.append(Actor.AGENT, "notes", "agent-" + i);
                    agentOk.incrementAndGet();
                  } catch (EditException e) {
                    agentRefused.incrementAndGet();
                  }
                  if (ar.nextBoolean()) {
                    Thread.sleep(ar.nextInt(2));
                  }
                }
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
              }
            });
    agent.start();
    for (int i = 0; i < humanEdits; i++) {
      String text = readAsAnEditorWould() + "human-" + i + "\n";
      if (r.nextBoolean()) {
        Path tmp = dir.resolve("memory/notes.md.swp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.writeString(file, text, StandardCharsets.UTF_8); // truncate, then write in place
      }
      Thread.sleep(r.nextInt(4));
    }
    done.set(true);
    agent.join();
    assertThat(failure.get()).isNull();
    String end = Files.readString(file, StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < humanEdits; i++) {
      if (!end.contains("\nhuman-" + i + "\n")) {
        missing.add("human-" + i);
      }
    }
    assertThat(missing).as("human edits lost").isEmpty();
    assertThat(agentOk.get()).isPositive();
    assertThat(memory.get("notes").description()).isEqualTo("Shared notes.");
    try (var s = Files.list(dir.resolve("memory"))) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")))
          .as("no temporary or aside files left")
          .isEmpty();
    }
    System.out.println(
        "hand-edit race: seed "
            + seed
            + ", agent edits "
            + agentOk
            + " applied, "
            + agentRefused
            + " refused");
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

  @Test
  void twoThreadsOfAgentEditsAreSerialisedAndBothKept() throws Exception {
    List<Thread> threads = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int t = 0; t < 2; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 40; i++) {
                    memory.append(Actor.AGENT, "notes", "t" + thread + "-" + i);
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(failure.get()).isNull();
    assertThat(memory.get("notes").value().lines()).hasSize(81);
  }

  @Test
  void aRethinkComputedAgainstTextAPersonChangedIsRefused() throws Exception {
    String seen = memory.get("notes").valueHash();
    Files.writeString(file, Files.readString(file).replace("start", "start, edited by Ada"));
    assertThatThrownBy(() -> memory.rethink(Actor.AGENT, "notes", "rewritten", Optional.of(seen)))
        .isInstanceOf(EditException.class)
        .hasMessage(
            "edit refused: block 'notes' changed since the agent read it (someone edited"
                + " memory/notes.md); a rethink would overwrite that change, so read the block"
                + " again and rethink from its current text");
    assertThat(memory.get("notes").value()).isEqualTo("start, edited by Ada");
  }

  @Test
  void aRethinkAgainstUnchangedTextGoesThrough() {
    String seen = memory.get("notes").valueHash();
    assertThat(memory.rethink(Actor.AGENT, "notes", "rewritten", Optional.of(seen)).value())
        .isEqualTo("rewritten");
  }

  @Test
  void aReplaceIsReappliedToChangedTextWhileTheOldTextOccursOnce() throws Exception {
    memory.rethink(Actor.PERSON, "notes", "Likes tea.\nLives in Paris.");
    String seen = memory.get("notes").valueHash();
    Files.writeString(file, Files.readString(file).replace("Likes tea.", "Likes green tea."));
    memory.replace(Actor.AGENT, "notes", "Paris", "Lyon", Optional.of(seen));
    assertThat(memory.get("notes").value()).isEqualTo("Likes green tea.\nLives in Lyon.");
  }

  @Test
  void aReplaceIsRefusedWhenAPersonsChangeMadeItAmbiguousOrRemovedIt() throws Exception {
    memory.rethink(Actor.PERSON, "notes", "Lives in Paris.");
    String seen = memory.get("notes").valueHash();
    Files.writeString(
        file,
        Files.readString(file).replace("Lives in Paris.", "Lives in Paris.\nWorks in Paris."));
    assertThatThrownBy(
            () -> memory.replace(Actor.AGENT, "notes", "Paris", "Lyon", Optional.of(seen)))
        .hasMessage(
            "edit refused: block 'notes' changed since the agent read it and the old text now"
                + " occurs more than once; read the block again and include more of the surrounding"
                + " text");
    Files.writeString(file, Files.readString(file).replace("Paris", "Rome"));
    assertThatThrownBy(
            () -> memory.replace(Actor.AGENT, "notes", "Paris", "Lyon", Optional.of(seen)))
        .hasMessage(
            "edit refused: block 'notes' changed since the agent read it and the old text is no"
                + " longer in it; read the block again");
    assertThat(memory.get("notes").value()).isEqualTo("Lives in Rome.\nWorks in Rome.");
  }

  @Test
  void anInsertAtALineIntoChangedTextIsRefusedButAtTheEndIsReapplied() throws Exception {
    String seen = memory.get("notes").valueHash();
    Files.writeString(file, Files.readString(file).replace("start", "first\nsecond"));
    assertThatThrownBy(() -> memory.insert(Actor.AGENT, "notes", "x", 1, Optional.of(seen)))
        .hasMessage(
            "edit refused: block 'notes' changed since the agent read it, so line 1 may not be the"
                + " line meant; read the block again, or insert at 0 (top) or -1 (end)");
    memory.insert(Actor.AGENT, "notes", "end", -1, Optional.of(seen));
    memory.append(Actor.AGENT, "notes", "more", Optional.of(seen));
    assertThat(memory.get("notes").value()).isEqualTo("first\nsecond\nend\nmore");
  }
}
