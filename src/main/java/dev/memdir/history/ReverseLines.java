package dev.memdir.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a segment's lines backwards from an end offset, in chunks, so the last records of a large
 * file are found without reading the rest.
 */
final class ReverseLines {
  /** Returned for a line over the cap, which is skipped unread. */
  static final byte[] OVER_LIMIT = new byte[0];

  private static final int CHUNK = 1 << 16;

  private final FileChannel ch;
  private final int maxLine;
  private long pos;
  private final byte[] chunk = new byte[CHUNK];
  private long chunkStart;
  private int chunkLen;

  /** Starts at {@code end}, which must be 0 or just after a newline. */
  ReverseLines(FileChannel ch, long end, int maxLine) {
    this.ch = ch;
    this.pos = end;
    this.maxLine = maxLine;
    this.chunkStart = end;
    this.chunkLen = 0;
  }

  /** The line before the last one returned (without its newline), or null at the start. */
  byte[] previous() throws IOException {
    if (pos <= 0) {
      return null;
    }
    long lineEnd = pos - 1; // the newline ending this line
    long start = 0;
    for (long i = lineEnd - 1; i >= 0; i--) {
      if (i < chunkStart) {
        load(i);
      }
      if (chunk[(int) (i - chunkStart)] == '\n') {
        start = i + 1;
        break;
      }
    }
    pos = start;
    long len = lineEnd - start;
    if (len > maxLine) {
      return OVER_LIMIT;
    }
    byte[] out = new byte[(int) len];
    if (start >= chunkStart && lineEnd <= chunkStart + chunkLen) {
      System.arraycopy(chunk, (int) (start - chunkStart), out, 0, (int) len);
    } else {
      readFully(ByteBuffer.wrap(out), start);
    }
    return out;
  }

  /** Loads the chunk that ends just after {@code index}. */
  private void load(long index) throws IOException {
    long from = Math.max(0, index + 1 - CHUNK);
    int len = (int) (index + 1 - from);
    readFully(ByteBuffer.wrap(chunk, 0, len), from);
    chunkStart = from;
    chunkLen = len;
  }

  private void readFully(ByteBuffer buf, long at) throws IOException {
    long p = at;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n < 0) {
        throw new IOException("file shrank while reading at offset " + p);
      }
      p += n;
    }
  }
}
