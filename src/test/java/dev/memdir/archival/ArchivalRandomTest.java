package dev.memdir.archival;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.TestAgents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random inserts, deletes and hand-added or hand-deleted files, checked against a map from id to
 * text. The seed is printed on failure; rerun with -Dtests.seed=N.
 */
class ArchivalRandomTest {
  @TempDir Path dir;

  @Test
  void randomOperationsMatchASimpleModel() throws Exception {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    try {
      run(seed);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "failed with seed " + seed + " (rerun: -Dtests.seed=" + seed + ")", e);
    }
  }

  private void run(long seed) throws Exception {
    Random r = new Random(seed);
    Agent agent = TestAgents.create(dir.resolve("a"));
    Path arch = agent.layout().archivalDir();
    TreeMap<String, String> model = new TreeMap<>();
    for (int step = 0; step < 300; step++) {
      Instant now = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * r.nextInt(2000));
      ArchivalStore store = new ArchivalStore(agent.layout(), Clock.fixed(now, ZoneOffset.UTC));
      switch (r.nextInt(5)) {
        case 0, 1 -> {
          String text = "fact " + r.nextInt(50) + (r.nextBoolean() ? "\nsecond line" : "");
          List<String> tags = r.nextBoolean() ? List.of("t" + r.nextInt(3)) : List.of();
          Fact f = store.insert(text, tags);
          model.put(f.id(), text);
        }
        case 2 -> {
          if (!model.isEmpty()) {
            String id = new ArrayList<>(model.keySet()).get(r.nextInt(model.size()));
            store.delete(id);
            model.remove(id);
          }
        }
        case 3 -> {
          String id = "hand-" + r.nextInt(20);
          String text = "by hand " + r.nextInt(100);
          Files.writeString(
              arch.resolve(id + ".md"), "---\ncreated: " + now + "\n---\r\n" + text + "\r\n");
          model.put(id, text);
        }
        default -> {
          if (!model.isEmpty()) {
            String id = new ArrayList<>(model.keySet()).get(r.nextInt(model.size()));
            Files.delete(arch.resolve(id + ".md"));
            model.remove(id);
          }
        }
      }
      ArchivalStore.Snapshot s = store.list();
      assertThat(s.problems()).as("step %d", step).isEmpty();
      TreeMap<String, String> actual = new TreeMap<>();
      s.facts().forEach(f -> actual.put(f.id(), f.text()));
      assertThat(actual).as("step %d", step).isEqualTo(model);
    }
  }
}
