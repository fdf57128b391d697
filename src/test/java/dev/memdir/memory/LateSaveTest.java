package dev.memdir.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.TestAgents;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person's editor writes to the block's old file after an agent edit replaced it: an editor that
 * truncated before the swap and writes after it, or one that holds the file open ({@code >>}, r+).
 */
class LateSaveTest {
  @TempDir Path dir;
  CoreMemory memory;
  Path file;

  @BeforeEach
  void setUp() {
    memory = TestAgents.create(dir).memory();
    memory.create("notes", "Shared notes.", 100_000, "start");
    file = dir.resolve("memory/notes.md");
  }

  private static void write(FileChannel ch, String text, long at) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
  }

  private List<String> hidden() throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("memory"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }

  private List<String> scratch() throws Exception {
    Path tmp = dir.resolve(".memdir/tmp");
    if (!Files.isDirectory(tmp)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void anAppendThroughADescriptorHeldAcrossAnAgentEditIsKept() throws Exception {
    try (FileChannel held = FileChannel.open(file, StandardOpenOption.APPEND)) {
      memory.append(Actor.AGENT, "notes", "from the agent");
      held.write(ByteBuffer.wrap("from a person\n".getBytes(StandardCharsets.UTF_8)));
    }
    memory.settle();
    assertThat(memory.get("notes").value()).isEqualTo("start\nfrom the agent\nfrom a person");
    assertThat(memory.get("notes").description()).isEqualTo("Shared notes.");
    assertThat(hidden()).isEmpty();
    assertThat(scratch()).isEmpty();
  }

  /**
   * The campaign's lost {@code >>} save: an appender's O_CREAT made a new, empty file while an
   * agent swap had the name away; the agent, after waiting for it, edited that empty file, and the
   * append then reached it as an old file whose base is empty. It is a fragment (it does not start
   * as the block does), so it is appended, not set aside as a conflict.
   */
  @Test
  void anAppendReachingAnOldFileThatWasEmptyIsAppended() throws Exception {
    try (FileChannel held =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      memory.append(Actor.AGENT, "notes", "from the agent");
      held.write(ByteBuffer.wrap("from a person\n".getBytes(StandardCharsets.UTF_8)));
    }
    memory.settle();
    assertThat(memory.takeNotices()).isEmpty();
    assertThat(memory.get("notes").value()).isEqualTo("from the agent\nfrom a person");
    assertThat(scratch()).isEmpty();
  }

  @Test
  void anOldFileGrownPastTheLimitIsKeptUnreadAndReported() throws Exception {
    try (FileChannel held = FileChannel.open(file, StandardOpenOption.APPEND)) {
      memory.append(Actor.AGENT, "notes", "from the agent");
      held.write(ByteBuffer.wrap("from a person\n".getBytes(StandardCharsets.UTF_8)));
    }
    Path old;
    try (Stream<Path> s = Files.list(dir.resolve(".memdir/tmp"))) {
      old = s.filter(p -> p.toString().endsWith(".aside")).findFirst().orElseThrow();
    }
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(old.toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    memory.settle();
    assertThat(memory.get("notes").value()).isEqualTo("start\nfrom the agent");
    assertThat(memory.takeNotices())
        .containsExactly(
            "memory/notes.md: a person's save reached an old copy while the agent edited it and"
                + " it is too large to merge (file is 3221225472 bytes, over the limit of"
                + " 67108864 bytes); it is kept in .memdir/tmp/"
                + old.getFileName()
                + " to merge by hand");
    assertThat(Files.size(old)).isEqualTo(3L << 30);
  }

  @Test
  void anOverwriteInPlaceThroughADescriptorHeldAcrossAnAgentEditIsKept() throws Exception {
    String seen = Files.readString(file);
    try (FileChannel held = FileChannel.open(file, StandardOpenOption.WRITE)) {
      memory.insert(Actor.AGENT, "notes", "agent on top", 0);
      write(held, seen + "person at the end\n", 0);
    }
    memory.settle();
    assertThat(memory.get("notes").value()).isEqualTo("agent on top\nstart\nperson at the end");
    assertThat(scratch()).isEmpty();
  }

  @Test
  void aTruncatingEditorThatWritesAfterTheAgentGaveUpWaitingIsMerged() throws Exception {
    String seen = Files.readString(file);
    try (FileChannel held =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      // The agent waits for the emptied file, then edits it anyway; the save lands later.
      memory.append(Actor.AGENT, "notes", "from the agent");
      write(held, seen.replace("start", "start, rewritten by a person"), 0);
    }
    memory.settle();
    assertThat(memory.get("notes").value())
        .isEqualTo("start, rewritten by a person\nfrom the agent");
    assertThat(memory.get("notes").description()).isEqualTo("Shared notes.");
    assertThat(scratch()).isEmpty();
  }

  @Test
  void anAgentRethinkThatCannotBeRedoneOnALateSaveLosesToThePersonAndIsReported() throws Exception {
    String seen = Files.readString(file);
    try (FileChannel held = FileChannel.open(file, StandardOpenOption.WRITE)) {
      memory.rethink(Actor.AGENT, "notes", "all new");
      held.truncate(0);
      write(held, seen.replace("start", "the person's words"), 0);
    }
    memory.settle();
    assertThat(memory.get("notes").value()).isEqualTo("the person's words");
    assertThat(memory.takeNotices())
        .singleElement()
        .asString()
        .startsWith(
            "memory/notes.md: a person's save reached it while the agent edited it; the agent's"
                + " edit could not be redone on it, so the person's text was kept (edit refused:");
  }

  @Test
  void theOldFileIsKeptWhileSomeoneHoldsItOpenAndCheckedWhenTheyAreDone() throws Exception {
    try (FileChannel held = FileChannel.open(file, StandardOpenOption.APPEND)) {
      memory.append(Actor.AGENT, "notes", "one");
      memory.settle();
      memory.append(Actor.AGENT, "notes", "two");
      memory.settle();
      assertThat(scratch()).anyMatch(n -> n.endsWith(".aside"));
      held.write(ByteBuffer.wrap("late\n".getBytes(StandardCharsets.UTF_8)));
    }
    memory.settle();
    assertThat(memory.get("notes").value()).isEqualTo("start\none\ntwo\nlate");
    assertThat(scratch()).isEmpty();
  }
}
