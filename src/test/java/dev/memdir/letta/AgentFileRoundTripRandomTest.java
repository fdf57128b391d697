package dev.memdir.letta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.history.Record;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random agent files: what goes in comes out, and import, export, import agree. */
class AgentFileRoundTripRandomTest {
  private static final String[] PIECES = {
    "a", "Z", "9", " ", "\n", "\n\n", "---", "---\n", "é", "😀", "\t", "\"", "\\", "<value>", ":",
    "#"
  };

  @TempDir Path tmp;

  private static String text(Random r, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(max); i > 0; i--) {
      sb.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  private static String label(Random r, int i) {
    StringBuilder sb = new StringBuilder(r.nextBoolean() ? "system/" : "");
    for (int p = r.nextInt(3); p > 0; p--) {
      sb.append((char) ('a' + r.nextInt(26))).append('/');
    }
    return sb.append("b").append(i).toString();
  }

  @Test
  void randomBlocksAndMessagesSurviveImportAndExport() throws Exception {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    Random r = new Random(seed);
    JsonNodeFactory f = JsonNodeFactory.instance;
    for (int round = 0; round < 8; round++) {
      ObjectNode af = f.objectNode();
      ObjectNode a = af.putArray("agents").addObject();
      a.put("name", "r" + round);
      a.put("system", text(r, 30));
      ArrayNode blocks = a.putArray("memory_blocks");
      int nb = 1 + r.nextInt(6);
      String[] values = new String[nb];
      for (int i = 0; i < nb; i++) {
        values[i] = text(r, 40);
        blocks
            .addObject()
            .put("label", label(r, i))
            .put("value", values[i])
            .put("limit", 1 + r.nextInt(200))
            .put("description", text(r, 5).replace("\n", " "))
            .put("read_only", r.nextBoolean());
      }
      ArrayNode messages = a.putArray("messages");
      int nm = r.nextInt(8);
      String[] contents = new String[nm];
      for (int i = 0; i < nm; i++) {
        contents[i] = text(r, 20);
        ObjectNode m = messages.addObject();
        m.put("role", r.nextBoolean() ? "user" : "assistant");
        m.putArray("content").addObject().put("type", "text").put("text", contents[i]);
        m.put(
            "created_at", Instant.ofEpochMilli(1_700_000_000_000L + r.nextInt(1 << 30)).toString());
      }
      String where = "seed " + seed + ", round " + round;
      Path one = tmp.resolve(round + "/one");
      AgentFileImport.importBytes(AfReader.JSON.writeValueAsBytes(af), "r.af", one);
      try (Agent agent = Agent.open(one)) {
        for (int i = 0; i < nb; i++) {
          String l = blocks.get(i).path("label").asText();
          assertThat(agent.memory().get(l).value()).as(where + " " + l).isEqualTo(values[i]);
        }
        assertThat(agent.history().stream().map(Record::content).toList())
            .as(where)
            .isEqualTo(List.of(contents));
      }
      Path two = tmp.resolve(round + "/two");
      AgentFileImport.importBytes(AgentFileExport.export(one), "back.af", two);
      assertThat(Fixtures.tree(two)).as(where).isEqualTo(Fixtures.tree(one));
    }
  }
}
