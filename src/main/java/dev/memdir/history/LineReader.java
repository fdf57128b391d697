package dev.memdir.history;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads the lines of a segment forward as bytes, without decoding, so that counting and finding an
 * id need not parse. A line longer than the cap is reported, not buffered.
 */
final class LineReader implements Closeable {
  /** One line: {@code bytes[0, length)} without its newline. */
  static final class Line {
    byte[] bytes = new byte[256];
    int length;
    long offset;
    boolean terminated;
    boolean overLimit;
  }

  private final InputStream in;
  private final int maxLine;
  private final byte[] buf = new byte[1 << 16];
  private int bufPos;
  private int bufLen;
  private long offset;
  private final Line line = new Line();

  LineReader(InputStream in, long startOffset, int maxLine) {
    this.in = in;
    this.offset = startOffset;
    this.maxLine = maxLine;
  }

  /** The next line, reusing one {@link Line}, or null at the end of the file. */
  Line next() throws IOException {
    Line l = line;
    l.length = 0;
    l.offset = offset;
    l.terminated = false;
    l.overLimit = false;
    boolean any = false;
    while (true) {
      if (bufPos == bufLen) {
        bufLen = in.read(buf, 0, buf.length);
        bufPos = 0;
        if (bufLen <= 0) {
          bufLen = 0;
          return any ? l : null;
        }
      }
      any = true;
      int start = bufPos;
      int nl = -1;
      for (int i = start; i < bufLen; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      int end = nl < 0 ? bufLen : nl;
      append(l, start, end - start);
      bufPos = nl < 0 ? bufLen : nl + 1;
      offset += bufPos - start;
      if (nl >= 0) {
        l.terminated = true;
        return l;
      }
    }
  }

  private void append(Line l, int from, int n) {
    if (l.overLimit || n == 0) {
      return;
    }
    if ((long) l.length + n > maxLine) {
      l.overLimit = true;
      l.length = 0;
      return;
    }
    if (l.length + n > l.bytes.length) {
      l.bytes = Arrays.copyOf(l.bytes, Math.max(l.length + n, l.bytes.length * 2));
    }
    System.arraycopy(buf, from, l.bytes, l.length, n);
    l.length += n;
  }

  /** The offset just past the last line returned. */
  long offset() {
    return offset;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Whether the bytes are blank (spaces, tabs, a CR). */
  static boolean isBlank(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }
}
