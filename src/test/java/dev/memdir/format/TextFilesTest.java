package dev.memdir.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFilesTest {
  @TempDir Path dir;

  @Test
  void readDropsTheByteOrderMarkAndNormalisesCrlf() throws Exception {
    Path f = dir.resolve("a.md");
    Files.write(f, "\uFEFFone\r\ntwo\rthree\n".getBytes(StandardCharsets.UTF_8));
    assertThat(TextFiles.read(f, "a.md", 1000)).isEqualTo("one\ntwo\nthree\n");
  }

  @Test
  void invalidUtf8IsReportedWithLineAndOffset() throws Exception {
    Path f = dir.resolve("a.md");
    Files.write(f, new byte[] {'o', 'k', '\n', 'b', 'a', (byte) 0xFF, 'd', '\n'});
    assertThatThrownBy(() -> TextFiles.read(f, "memory/a.md", 1000))
        .isInstanceOf(FormatException.class)
        .hasMessage(
            "memory/a.md:2: not valid UTF-8: byte 0xFF at offset 5; save the file as UTF-8");
  }

  @Test
  void latin1TextIsRefusedNotGarbled() throws Exception {
    Path f = dir.resolve("a.md");
    Files.write(f, "café\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> TextFiles.read(f, "a.md", 1000))
        .hasMessageContaining("a.md:1: not valid UTF-8: byte 0xE9 at offset 3");
  }

  @Test
  void filesOverTheSizeCapAreRefusedUnread() throws Exception {
    Path f = dir.resolve("big.md");
    Files.write(f, new byte[2048]);
    assertThatThrownBy(() -> TextFiles.read(f, "memory/big.md", 1024))
        .isInstanceOf(FormatException.class)
        .hasMessage("memory/big.md: file is 2048 bytes, over the limit of 1024 bytes");
  }

  @Test
  void aDirectoryWhereAFileShouldBeIsAClearError() throws Exception {
    Files.createDirectory(dir.resolve("d.md"));
    assertThatThrownBy(() -> TextFiles.read(dir.resolve("d.md"), "memory/d.md", 1024))
        .hasMessage("memory/d.md: is a directory, expected a file");
  }

  @Test
  void codePointsCountsSurrogatePairsOnce() {
    assertThat(TextFiles.codePoints("a😀b")).isEqualTo(3);
  }

  @Test
  void aSymbolicLinkIsRefusedNotFollowed() throws Exception {
    Path outside = Files.writeString(dir.resolve("outside.md"), "secret\n");
    Files.createDirectories(dir.resolve("memory"));
    Files.createSymbolicLink(dir.resolve("memory/human.md"), outside);
    assertThatThrownBy(
            () -> TextFiles.read(dir.resolve("memory/human.md"), "memory/human.md", 1024))
        .isInstanceOf(FormatException.class)
        .hasMessage(
            "memory/human.md: is a symbolic link; links are not followed, so nothing outside the"
                + " agent directory is read; put the file itself here");
  }

  @Test
  void aFileSwappedForALinkWhileItIsReadIsReadOrRefusedNeverAnInternalError() throws Exception {
    // A person (or git) replacing the file with a link races the read: every outcome is the
    // file's text or "is a symbolic link" (each swap is one rename), never an unexplained I/O
    // error. The swap between the check and the open is the window this aims at.
    Path outside = Files.writeString(dir.resolve("outside.md"), "secret\n");
    Path f = dir.resolve("human.md");
    Files.writeString(f, "mine\n");
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread swapper =
        new Thread(
            () -> {
              try {
                Path link = dir.resolve("link.tmp");
                Path text = dir.resolve("text.tmp");
                while (!stop.get()) {
                  Files.createSymbolicLink(link, outside);
                  Files.move(link, f, StandardCopyOption.ATOMIC_MOVE);
                  Files.writeString(text, "mine\n");
                  Files.move(text, f, StandardCopyOption.ATOMIC_MOVE);
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    swapper.start();
    try {
      for (int i = 0; i < 20_000; i++) {
        try {
          assertThat(TextFiles.read(f, "memory/human.md", 1024)).isEqualTo("mine\n");
        } catch (FormatException e) {
          assertThat(e.getMessage()).startsWith("memory/human.md: is a symbolic link");
        }
      }
    } finally {
      stop.set(true);
      swapper.join();
    }
  }

  @Test
  void aSparseFileOfThreeGigabytesIsRefusedUnread() throws Exception {
    Path f = dir.resolve("huge.md");
    try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      r.setLength(3L << 30);
    }
    assertThatThrownBy(() -> TextFiles.read(f, "archival/huge.md", 1 << 20))
        .hasMessage("archival/huge.md: file is 3221225472 bytes, over the limit of 1048576 bytes");
  }

  @Test
  void readUpToNeverReadsPastItsCap() throws Exception {
    Path f = Files.write(dir.resolve("a.md"), new byte[100]);
    try (var ch = Files.newByteChannel(f)) {
      assertThat(TextFiles.readUpTo(ch, 100)).get().satisfies(b -> assertThat(b).hasSize(100));
    }
    try (var ch = Files.newByteChannel(f)) {
      assertThat(TextFiles.readUpTo(ch, 99)).isEmpty();
    }
  }

  /** A channel whose size was taken before the file grew to what it now holds. */
  private static java.nio.channels.SeekableByteChannel sizedEarly(Path f, long size)
      throws Exception {
    var in = Files.newByteChannel(f);
    return new java.nio.channels.SeekableByteChannel() {
      @Override
      public int read(java.nio.ByteBuffer dst) throws java.io.IOException {
        return in.read(dst);
      }

      @Override
      public int write(java.nio.ByteBuffer src) {
        throw new UnsupportedOperationException();
      }

      @Override
      public long position() throws java.io.IOException {
        return in.position();
      }

      @Override
      public java.nio.channels.SeekableByteChannel position(long p) throws java.io.IOException {
        in.position(p);
        return this;
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public java.nio.channels.SeekableByteChannel truncate(long s) {
        throw new UnsupportedOperationException();
      }

      @Override
      public boolean isOpen() {
        return in.isOpen();
      }

      @Override
      public void close() throws java.io.IOException {
        in.close();
      }
    };
  }

  @Test
  void readUpToReadsAFileThatGrewSinceItsSizeWasTakenOnlyUpToItsCap() throws Exception {
    Path f = Files.write(dir.resolve("a.md"), new byte[60]);
    try (var ch = sizedEarly(f, 10)) {
      assertThat(TextFiles.readUpTo(ch, 100)).get().satisfies(b -> assertThat(b).hasSize(60));
    }
    Files.write(f, new byte[200], java.nio.file.StandardOpenOption.APPEND);
    try (var ch = sizedEarly(f, 10)) {
      assertThat(TextFiles.readUpTo(ch, 100)).isEmpty();
    }
  }
}
