package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The price of a run's tokens, from {@code prices.json} in the run folder: memdir writes its
 * defaults there on the first run, and the user edits that copy (dollars per million input and
 * output tokens, by PROVIDER/NAME); the next run or re-score prices with the edited file.
 */
final class Prices {
  static final String FILE = "prices.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Prices() {}

  /** Adds {@code usd} (or null, with why) to the report's {@code cost} section. */
  static void price(Path out, String model, ObjectNode cost) {
    Path file = out.resolve(FILE);
    if (!Files.exists(file)) {
      AtomicFiles.write(file, AnswerPrompts.text(FILE));
    }
    JsonNode p;
    try {
      p = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new MemdirException(file + ": not JSON: " + e.getMessage() + "; fix or delete it", e);
    }
    JsonNode m = p.path("models").path(model);
    cost.put("prices", file.toString());
    if (!m.path("input").isNumber() || !m.path("output").isNumber()) {
      cost.putNull("usd");
      cost.put(
          "usd_note",
          file + " has no {\"input\": N, \"output\": N} for " + model + " under \"models\"");
      return;
    }
    double usd =
        cost.get("tokens_in").asLong() / 1e6 * m.get("input").asDouble()
            + cost.get("tokens_out").asLong() / 1e6 * m.get("output").asDouble();
    cost.put("usd", usd);
  }
}
