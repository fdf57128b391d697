package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archival_memory_search} checks {@code archival/} before every search, and from its second
 * search on skips the walk while the folder's watcher reports nothing (as {@code search_files} does
 * for {@code files/}). Whatever is done to the folder between two searches must be seen by the
 * second: facts added, rewritten or deleted by hand or through the store, files that are not facts
 * (a subfolder's, a non-Markdown one, a hidden one) never. Property style: seeded steps, the seed
 * printed on failure; the expected facts are read from the folder itself.
 */
class ArchivalFreshnessTest {
  @TempDir Path tmp;

  private static final String[] WORDS = {
    "apple", "river", "guitar", "lesson", "pizza", "garden", "tomato", "rain", "book", "train"
  };

  @Test
  void everyChangeBetweenTwoSearchesIsSeenByTheSecond() throws IOException {
    long seed = new Random().nextLong();
    try {
      run(seed);
    } catch (AssertionError | IOException | RuntimeException e) {
      fail("seed " + seed + ": " + e.getMessage(), e);
    }
  }

  private void run(long seed) throws IOException {
    Random rnd = new Random(seed);
    Path agent = Fixtures.emptyAgent(tmp);
    Layout layout = Layout.of(agent);
    ArchivalStore store = new ArchivalStore(layout, Clock.systemUTC());
    Path dir = layout.archivalDir();
    for (int i = 0; i < 5; i++) {
      store.insert(text(rnd), List.of("t"));
    }
    try (Search search = Search.open(layout, SearchSettings.defaults(), store)) {
      for (int step = 0; step < 60; step++) {
        List<Path> facts = facts(dir);
        int op = rnd.nextInt(7);
        String what;
        if (op == 0 || facts.isEmpty()) {
          store.insert(text(rnd), List.of("t"));
          what = "insert";
        } else if (op == 1) {
          Path p = dir.resolve("hand-" + step + ".md");
          Files.writeString(p, fact(text(rnd)));
          what = "add " + p.getFileName();
        } else if (op == 2) {
          Path p = facts.get(rnd.nextInt(facts.size()));
          String s = Files.readString(p, StandardCharsets.UTF_8);
          int body = s.indexOf("\n---\n") + 5;
          Files.writeString(p, s.substring(0, body) + text(rnd) + "\n");
          what = "rewrite " + p.getFileName();
        } else if (op == 3) {
          Path p = facts.get(rnd.nextInt(facts.size()));
          Files.delete(p);
          what = "delete " + p.getFileName();
        } else if (op == 4) {
          Path sub = Files.createDirectories(dir.resolve("old"));
          Files.writeString(sub.resolve("x" + step + ".md"), fact(text(rnd)));
          what = "a file in a subfolder";
        } else if (op == 5) {
          Files.writeString(dir.resolve("notes" + step + ".txt"), fact(text(rnd)));
          what = "a .txt file";
        } else {
          Files.writeString(dir.resolve(".hidden" + step + ".md"), fact(text(rnd)));
          what = "a hidden file";
        }
        // Every file gets a time of its own, long enough ago that its index entry is trusted
        // without hashing: only the watcher (or the walk it triggers) can tell the search.
        backdate(dir, step);
        String word = WORDS[rnd.nextInt(WORDS.length)];
        Set<String> got = new TreeSet<>();
        search
            .archivalMemorySearch(
                word, List.of(), Search.TagMatch.ANY, Optional.empty(), Optional.empty(), 100)
            .hits()
            .forEach(h -> got.add(h.text()));
        assertThat(got)
            .as("step %d (%s), query %s", step, what, word)
            .isEqualTo(expected(dir, word));
      }
    }
  }

  private static String fact(String body) {
    return "---\ncreated: 2026-11-25T08:00:00Z\n---\n" + body + "\n";
  }

  /** Sets each file changed since the last step to its own time, 1,000 s ago plus the step. */
  private final java.util.Map<Path, java.nio.file.attribute.FileTime> dated =
      new java.util.HashMap<>();

  private void backdate(Path dir, int step) throws IOException {
    long base = System.currentTimeMillis() - 1_000_000;
    try (var s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        java.nio.file.attribute.FileTime t = Files.getLastModifiedTime(p);
        if (!t.equals(dated.get(p))) {
          java.nio.file.attribute.FileTime old =
              java.nio.file.attribute.FileTime.fromMillis(base + step * 1_000L);
          Files.setLastModifiedTime(p, old);
          dated.put(p, old);
        }
      }
    }
  }

  private static String text(Random rnd) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0, k = 2 + rnd.nextInt(4); i < k; i++) {
      sb.append(i == 0 ? "" : " ").append(WORDS[rnd.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  /** The fact files: regular, unhidden {@code .md} files directly in {@code archival/}. */
  private static List<Path> facts(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".md"))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .forEach(out::add);
    }
    return out;
  }

  /** The bodies of the facts holding {@code word}, read from the files. */
  private static Set<String> expected(Path dir, String word) throws IOException {
    Set<String> out = new TreeSet<>();
    for (Path p : facts(dir)) {
      String s = Files.readString(p, StandardCharsets.UTF_8);
      String body = s.substring(s.indexOf("\n---\n") + 5).strip();
      if (List.of(body.split(" ")).contains(word)) {
        out.add(body);
      }
    }
    return out;
  }
}
