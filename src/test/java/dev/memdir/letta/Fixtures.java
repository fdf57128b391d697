package dev.memdir.letta;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The Letta fixtures of src/test/resources/dev/memdir/letta/, and tree snapshots to compare. */
final class Fixtures {
  private Fixtures() {}

  /** Copies a fixture into {@code dir} and returns its path. */
  static Path copy(String name, Path dir) {
    try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      Path out = dir.resolve(name);
      Files.createDirectories(dir);
      Files.write(out, in.readAllBytes());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every file of an agent directory but the derived state and the import report, history ids
   * replaced (they are made at import time).
   */
  static Map<String, String> tree(Path dir) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (rel.startsWith(".memdir/") || rel.equals(ImportReport.FILE)) {
          continue;
        }
        String text = Files.readString(p, StandardCharsets.UTF_8);
        out.put(rel, text.replaceAll("\"id\":\"[0-9A-Z]{26}\"", "\"id\":\"ID\""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
