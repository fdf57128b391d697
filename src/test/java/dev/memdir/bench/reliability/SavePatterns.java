package dev.memdir.bench.reliability;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.memory.Actor;
import java.io.IOException;
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

/**
 * A simulated editor saving a core-memory block while the agent edits it: every save pattern of
 * issue #11. The person's line must be in the file afterwards, whatever the agent did meanwhile.
 */
final class SavePatterns {
  enum Pattern {
    TRUNCATE_GAP("truncate, then write after a 0-60 ms gap"),
    IN_PLACE("plain in-place write"),
    TEMP_RENAME("write a temp file, then rename it over"),
    HELD_APPEND("descriptor held across an agent edit, >> append"),
    HELD_OVERWRITE("descriptor held across an agent edit, r+ overwrite");

    final String description;

    Pattern(String description) {
      this.description = description;
    }
  }

  private SavePatterns() {}

  static List<Row> run(Plan plan) throws Exception {
    List<Row> rows = new ArrayList<>();
    Random random = new Random(plan.seed() ^ 0x5A7E_5L);
    for (Pattern pattern : Pattern.values()) {
      Row.Tally t = new Row.Tally("save", pattern.description);
      Path dir = plan.work().resolve("save-" + pattern.name().toLowerCase());
      Agent.init(dir, InitOptions.defaults()).close();
      try (Agent agent = Agent.open(dir)) {
        for (int i = 0; i < plan.savesPerPattern(); i++) {
          trial(agent, pattern, i, random, t);
        }
      }
      rows.add(t.row());
    }
    return rows;
  }

  private static void trial(Agent agent, Pattern pattern, int i, Random random, Row.Tally t)
      throws Exception {
    String label = "s" + i;
    agent.memory().create(label, "a block a person edits", 5000, "start of " + label);
    Path file = agent.layout().memoryDir().resolve(label + ".md");
    String marker = "person" + i;
    long agentSeed = random.nextLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<String> agentErrors = new ArrayList<>();
    Thread editor =
        new Thread(
            () -> {
              Random r = new Random(agentSeed);
              for (int n = 0; !stop.get(); n++) {
                try {
                  agent.memory().append(Actor.AGENT, label, "agent" + n);
                  Thread.sleep(r.nextInt(8));
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  synchronized (agentErrors) {
                    agentErrors.add(e.toString());
                  }
                }
              }
            });
    editor.setDaemon(true);
    editor.start();
    long t0 = System.nanoTime();
    try {
      Thread.sleep(random.nextInt(15));
      save(agent, pattern, file, label, marker, random.nextInt(61));
    } finally {
      stop.set(true);
      editor.join(10_000);
    }
    agentEdit(agent, label, "after the save");
    t.time((System.nanoTime() - t0) / 1_000_000);
    String text = read(file);
    List<String> problems = new ArrayList<>();
    if (!Crashes.tokens(text).contains(marker)) {
      t.lost(1);
      problems.add(
          "save "
              + i
              + ": the person's line '"
              + marker
              + "' is gone; the file holds: "
              + Child.oneLine(text, 120));
    }
    t.trial(problems);
  }

  private static void save(
      Agent agent, Pattern pattern, Path file, String label, String marker, int gapMillis)
      throws IOException, InterruptedException {
    switch (pattern) {
      case TRUNCATE_GAP -> {
        byte[] bytes = withLine(read(file), marker);
        // A shell's > (and most editors' in-place save) opens with O_CREAT|O_TRUNC: in the
        // instant an agent write has the name away it makes a new file holding the whole text.
        try (FileChannel ch =
            FileChannel.open(
                file,
                StandardOpenOption.WRITE,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
          Thread.sleep(gapMillis);
          writeAll(ch, bytes);
        }
      }
      case IN_PLACE -> Files.write(file, withLine(read(file), marker));
      case TEMP_RENAME -> {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".swp");
        Files.write(tmp, withLine(read(file), marker));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      case HELD_APPEND -> {
        // A shell's >> opens with O_CREAT: in the instant an agent write has the name away it
        // makes a new file, which memdir joins to the old text.
        try (FileChannel ch =
            FileChannel.open(
                file,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND,
                StandardOpenOption.CREATE)) {
          agentEdit(agent, label, "while the file is open");
          writeAll(ch, ("\n" + marker + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      case HELD_OVERWRITE -> {
        byte[] bytes = withLine(read(file), marker);
        try (FileChannel ch = openExisting(file)) {
          agentEdit(agent, label, "while the file is open");
          ch.position(0);
          writeAll(ch, bytes);
          ch.truncate(bytes.length);
        }
      }
    }
  }

  /** An agent edit whose failure is not the point: the person's line is. */
  private static void agentEdit(Agent agent, String label, String text) {
    try {
      agent.memory().append(Actor.AGENT, label, text);
    } catch (RuntimeException e) {
      // Refused or failed; either way it must not have cost the person their line.
    }
  }

  private static byte[] withLine(String text, String line) {
    String sep = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
    return (text + sep + line + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static void writeAll(FileChannel ch, byte[] bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  /**
   * Opens the file for r+ as an editor would; r+ does not create, so an open in the instant an
   * agent write has the name away fails visibly ("no such file") and the person tries again.
   */
  private static FileChannel openExisting(Path file) throws IOException, InterruptedException {
    for (int i = 0; ; i++) {
      try {
        return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (NoSuchFileException e) {
        if (i > 1000) {
          throw e;
        }
        Thread.sleep(1);
      }
    }
  }

  /** Reads the file as an editor would, retrying while an agent write has it briefly away. */
  private static String read(Path file) throws IOException, InterruptedException {
    for (int i = 0; ; i++) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        if (i > 1000) {
          throw e;
        }
        Thread.sleep(1);
      }
    }
  }
}
