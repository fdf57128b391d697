package dev.memdir.history;

import dev.memdir.format.Layout;
import dev.memdir.format.TextFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** What the history's derived files in {@code .memdir/} share: their writing and edge hashes. */
final class DerivedFiles {
  private DerivedFiles() {}

  /**
   * Writes {@code .memdir/NAME}: derived and cheap to rebuild, so an atomic rename but no fsync; a
   * failure (a read-only agent directory) only means it is not remembered.
   */
  static void save(Layout layout, String name, String text) {
    Path tmp = null;
    try {
      Files.createDirectories(layout.derivedDir());
      tmp = Files.createTempFile(layout.derivedDir(), "." + name + ".", ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, layout.derivedDir().resolve(name), StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (IOException e) {
      // Not remembered: worked out again next time.
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // A stray hidden file in .memdir/ is harmless.
        }
      }
    }
  }

  /** A short hash of the bytes {@code [from, to)}: what a segment's edges are recognised by. */
  static String hash(FileChannel ch, long from, long to) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) (to - from));
    long p = from;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n < 0) {
        break;
      }
      p += n;
    }
    return TextFiles.sha256(buf.array()).substring(0, 16);
  }
}
