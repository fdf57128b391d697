package dev.memdir.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memdir.EditException;
import dev.memdir.TestAgents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random sequences of agent edits and hand edits, checked after every step against a plain string
 * model of the block. The seed is printed on failure; rerun with -Dtests.seed=N.
 */
class CoreMemoryRandomTest {
  @TempDir Path dir;

  private static final String[] WORDS = {"tea", "cat", "Ada", "é", "😀", "line", "x", "tea cat"};

  @Test
  void randomEditsAndHandEditsMatchASimpleModel() throws Exception {
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
    Path agentDir = dir.resolve("a" + Long.toHexString(seed));
    CoreMemory memory = TestAgents.create(agentDir).memory();
    int limit = 60;
    memory.create("b", "random", limit, "");
    Path file = agentDir.resolve("memory/b.md");
    String model = "";
    for (int step = 0; step < 400; step++) {
      int op = r.nextInt(7);
      String text = text(r);
      String expected = null;
      try {
        switch (op) {
          case 0 -> {
            expected = model.isEmpty() ? text : model + "\n" + text;
            memory.append(Actor.AGENT, "b", text);
          }
          case 1 -> {
            String old = WORDS[r.nextInt(WORDS.length)];
            int count = count(model, old);
            expected = count == 1 ? model.replace(old, text) : null;
            memory.replace(Actor.AGENT, "b", old, text);
          }
          case 2 -> {
            int lines = model.isEmpty() ? 0 : model.split("\n", -1).length;
            int at = r.nextInt(lines + 3) - 1;
            expected = insert(model, text, at, lines);
            memory.insert(Actor.AGENT, "b", text, at);
          }
          case 3 -> {
            expected = text;
            memory.rethink(Actor.AGENT, "b", text);
          }
          case 4 -> {
            // A person edits the body in an editor, sometimes with CRLF.
            model = text(r) + (r.nextBoolean() ? "\n" + text(r) : "");
            String body = "---\ndescription: random\nlimit: " + limit + "\n---\n" + model + "\n";
            if (r.nextBoolean()) {
              body = body.replace("\n", "\r\n");
            }
            Files.write(file, body.getBytes(StandardCharsets.UTF_8));
            continue;
          }
          default -> {
            assertThat(memory.get("b").value()).isEqualTo(model);
            continue;
          }
        }
        if (expected == null || expected.codePointCount(0, expected.length()) > limit) {
          fail("step " + step + ": op " + op + " should have been refused, model=" + model);
        }
        model = expected;
        assertThat(Files.readString(file)).doesNotContain("\r");
      } catch (EditException e) {
        boolean refusedRightly =
            expected == null || expected.codePointCount(0, expected.length()) > limit;
        if (!refusedRightly) {
          throw new AssertionError(
              "step " + step + ": op " + op + " refused: " + e.getMessage(), e);
        }
      }
      assertThat(memory.get("b").value()).as("step %d op %d", step, op).isEqualTo(model);
    }
  }

  private static String insert(String model, String text, int at, int lines) {
    List<String> ls =
        model.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(model.split("\n", -1)));
    int pos = at == -1 ? lines : at;
    if (pos < 0 || pos > lines) {
      return null;
    }
    ls.addAll(pos, Arrays.asList(text.split("\n", -1)));
    return String.join("\n", ls);
  }

  private static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
      n++;
    }
    return n;
  }

  private static String text(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(r.nextInt(5) == 0 ? "\n" : " ");
      }
      sb.append(WORDS[r.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }
}
