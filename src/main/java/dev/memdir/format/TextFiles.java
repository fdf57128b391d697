package dev.memdir.format;

import dev.memdir.FormatException;
import dev.memdir.MemdirException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/** Reads hand-edited text files strictly and normalises what editors add. */
public final class TextFiles {
  private TextFiles() {}

  /**
   * Reads a UTF-8 text file, drops a leading byte order mark and turns CRLF and CR into LF.
   *
   * @param file the file to read
   * @param display the name used in messages, relative to the agent directory
   * @param maxBytes files larger than this are refused before they are read
   * @throws FormatException when the file is too large or not valid UTF-8
   */
  public static String read(Path file, String display, long maxBytes) {
    return decode(readBytes(file, display, maxBytes), display);
  }

  /**
   * Reads the raw bytes of a file, refusing files larger than {@code maxBytes} unread. A symbolic
   * link is refused, not followed: a cloned directory could carry one pointing anywhere.
   */
  public static byte[] readBytes(Path file, String display, long maxBytes) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isSymbolicLink()) {
        throw new FormatException(display, 0, SYMBOLIC_LINK);
      }
      if (a.isDirectory()) {
        throw new FormatException(display, 0, "is a directory, expected a file");
      }
      SeekableByteChannel ch;
      try {
        ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        // Swapped in since the check: the no-follow open fails with ELOOP, which the JDK reports
        // as a plain IOException ("... (NOFOLLOW_LINKS specified)"), not a FileSystemException;
        // the link may be gone again by now, so that is not looked up.
        if (!(e instanceof FileSystemException) || Files.isSymbolicLink(file)) {
          throw new FormatException(display, 0, SYMBOLIC_LINK);
        }
        throw e;
      }
      try (ch) {
        return readUpTo(ch, maxBytes)
            .orElseThrow(
                () ->
                    new FormatException(
                        display,
                        0,
                        "file is "
                            + size(ch)
                            + " bytes, over the limit of "
                            + maxBytes
                            + " bytes"));
      }
    } catch (NoSuchFileException e) {
      throw new MemdirException(display + ": no such file", e);
    } catch (IOException e) {
      throw new MemdirException(display + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Why a symbolic link is not read. */
  public static final String SYMBOLIC_LINK =
      "is a symbolic link; links are not followed, so nothing outside the agent directory is"
          + " read; put the file itself here";

  /**
   * The whole content of {@code ch} when it holds at most {@code maxBytes}, else empty; never reads
   * more than {@code maxBytes + 1} bytes, even from a file that grows while it is read.
   */
  public static Optional<byte[]> readUpTo(SeekableByteChannel ch, long maxBytes)
      throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be 0 or more, got " + maxBytes);
    }
    // No array holds more, whatever the caller allows.
    maxBytes = Math.min(maxBytes, Integer.MAX_VALUE - 16);
    long size = ch.size();
    if (size > maxBytes) {
      return Optional.empty();
    }
    // The size first, in an array returned as it is: the common case copies nothing.
    byte[] exact = new byte[(int) size];
    ByteBuffer buf = ByteBuffer.wrap(exact);
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        return Optional.of(Arrays.copyOf(exact, buf.position())); // it shrank
      }
    }
    ByteBuffer probe = ByteBuffer.allocate(1);
    int n;
    do {
      n = ch.read(probe);
    } while (n == 0);
    if (n < 0) {
      return Optional.of(exact);
    }
    // It grew while being read: go on, never past the cap.
    buf = ByteBuffer.allocate((int) Math.min(maxBytes + 1, Math.max(16, size * 2 + 1)));
    buf.put(exact).put(probe.flip());
    while (true) {
      if (!buf.hasRemaining()) {
        if (buf.capacity() > maxBytes) {
          return Optional.empty();
        }
        ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(maxBytes + 1, buf.capacity() * 2L));
        buf.flip();
        bigger.put(buf);
        buf = bigger;
      }
      if (ch.read(buf) < 0) {
        return buf.position() > maxBytes
            ? Optional.empty()
            : Optional.of(Arrays.copyOf(buf.array(), buf.position()));
      }
    }
  }

  private static long size(SeekableByteChannel ch) {
    try {
      return ch.size();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Decodes strict UTF-8, drops a BOM and normalises line ends to LF. */
  public static String decode(byte[] bytes, String display) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    String text;
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
      text = chars.toString();
    } catch (MalformedInputException e) {
      throw invalidUtf8(bytes, display);
    } catch (CharacterCodingException e) {
      throw invalidUtf8(bytes, display);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return normalizeLineEnds(text);
  }

  /** Turns CRLF and lone CR into LF. */
  public static String normalizeLineEnds(String text) {
    if (text.indexOf('\r') < 0) {
      return text;
    }
    return text.replace("\r\n", "\n").replace('\r', '\n');
  }

  private static FormatException invalidUtf8(byte[] bytes, String display) {
    int offset = firstInvalidUtf8Offset(bytes);
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return new FormatException(
        display,
        line,
        String.format(
            "not valid UTF-8: byte 0x%02X at offset %d; save the file as UTF-8",
            bytes[offset] & 0xFF, offset));
  }

  private static int firstInvalidUtf8Offset(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(Math.max(16, bytes.length));
    var result = decoder.decode(in, out, true);
    return result.isError() ? Math.min(in.position(), bytes.length - 1) : bytes.length - 1;
  }

  /** Hex SHA-256 of the bytes. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  /** Hex SHA-256 of the UTF-8 bytes of the text. */
  public static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Counts Unicode code points, the unit of block limits. */
  public static int codePoints(String text) {
    return text.codePointCount(0, text.length());
  }
}
