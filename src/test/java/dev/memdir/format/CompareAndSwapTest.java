package dev.memdir.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareAndSwapTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The visible files: those a person sees (hidden ones are the swap's own bookkeeping). */
  private String names() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return String.join(
          ",",
          s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList());
    }
  }

  @Test
  void swapsWhenTheFileStillHoldsWhatWasRead() throws Exception {
    Path f = dir.resolve("human.md");
    Files.writeString(f, "old\n");
    assertThat(AtomicFiles.compareAndSwap(f, b("old\n"), b("new\n"))).isTrue();
    assertThat(Files.readString(f)).isEqualTo("new\n");
    assertThat(names()).isEqualTo("human.md");
  }

  @Test
  void refusesAndKeepsThePersonsTextWhenTheFileChanged() throws Exception {
    Path f = dir.resolve("human.md");
    Files.writeString(f, "edited by a person\n");
    assertThat(AtomicFiles.compareAndSwap(f, b("old\n"), b("new\n"))).isFalse();
    assertThat(Files.readString(f)).isEqualTo("edited by a person\n");
    assertThat(names()).isEqualTo("human.md");
  }

  @Test
  void anAppenderThatOpenedTheFileBeforeARefusedSwapStillHoldsItsLaterOldFile() throws Exception {
    // A refused swap puts the file back under a new link and drops the name the appender's
    // descriptor was opened through; the next swap sets the same file aside. The appender still
    // writes there, so it must count as holding that old file, or a reaper deletes it unwritten.
    Path f = dir.resolve("human.md");
    Files.writeString(f, "old\n");
    try (FileChannel held =
        FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      assertThat(AtomicFiles.compareAndSwap(f, b("read before a save\n"), b("x\n"))).isFalse();
      assertThat(AtomicFiles.compareAndSwap(f, b("old\n"), b("new\n"))).isTrue();
      List<Path> kept = Asides.of(f).stream().map(Asides.Pending::aside).toList();
      assertThat(kept).hasSize(1);
      assertThat(Asides.heldOpen(kept))
          .hasValueSatisfying(
              h -> assertThat(h).contains(kept.get(0).toAbsolutePath().normalize()));
      held.write(ByteBuffer.wrap(b("late\n")));
    }
  }

  @Test
  void refusesWhenTheFileIsGone() throws Exception {
    Path f = dir.resolve("human.md");
    assertThat(AtomicFiles.compareAndSwap(f, b("old\n"), b("new\n"))).isFalse();
    assertThat(names()).isEmpty();
  }

  @Test
  void aCopySetAsideByACrashIsReadAndThenPutBack() throws Exception {
    Path f = dir.resolve("human.md");
    Files.writeString(f, "kept\n");
    Path aside = dir.resolve(".human.md.k3j9.aside");
    Files.move(f, aside, StandardCopyOption.ATOMIC_MOVE);
    assertThat(AtomicFiles.settled(f)).contains(aside);
    AtomicFiles.recoverAsides(f);
    assertThat(Files.readString(f)).isEqualTo("kept\n");
    assertThat(names()).isEqualTo("human.md");
  }

  @Test
  void aStaleAsideCopyBesideTheFileIsDropped() throws Exception {
    Path f = dir.resolve("human.md");
    Files.writeString(f, "current\n");
    Files.writeString(dir.resolve(".human.md.abc.aside"), "stale\n");
    AtomicFiles.recoverAsides(f);
    assertThat(Files.readString(f)).isEqualTo("current\n");
    assertThat(names()).isEqualTo("human.md");
  }

  @Test
  void createNewNeverReplacesAFile() throws Exception {
    Path f = dir.resolve("fact.md");
    assertThat(AtomicFiles.createNew(f, b("first\n"))).isTrue();
    assertThat(AtomicFiles.createNew(f, b("second\n"))).isFalse();
    assertThat(Files.readString(f)).isEqualTo("first\n");
    assertThat(names()).isEqualTo("fact.md");
  }

  @Test
  void asideNamesMapBackToTheirFile() {
    assertThat(AtomicFiles.asideOf(".human.md.k3j9.aside")).contains("human.md");
    assertThat(AtomicFiles.asideOf("human.md")).isEmpty();
    assertThat(AtomicFiles.asideOf(".x.aside")).isEmpty();
  }
}
