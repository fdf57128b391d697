package dev.memdir.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.ConfigException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * When and how much of the conversation is summarised as the context window fills: the {@code
 * overflow} mapping of agent.yaml, every key optional.
 *
 * <pre>
 * overflow:
 *   threshold: 0.9     # summarise when the window passes this share of context_window
 *   summarize: 0.3     # the share of the in-window messages summarised at once (the oldest)
 *   retries: 2         # further tries when the model fails to summarise
 * </pre>
 *
 * @param threshold the share of {@code context_window} above which the oldest messages are
 *     summarised, over 0 and at most 1
 * @param summarize the share of the messages in the window summarised at once, over 0 and below 1
 * @param retries how many more times a failed summary is asked for, 0 to 10
 */
public record Overflow(double threshold, double summarize, int retries) {
  static final String KEY = "overflow";
  private static final String FILE = "agent.yaml";

  /** Validates the values. */
  public Overflow {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException(
          "overflow.threshold must be over 0 and at most 1, got " + threshold);
    }
    if (!(summarize > 0 && summarize < 1)) {
      throw new IllegalArgumentException(
          "overflow.summarize must be over 0 and below 1, got " + summarize);
    }
    if (retries < 0 || retries > 10) {
      throw new IllegalArgumentException("overflow.retries must be 0 to 10, got " + retries);
    }
  }

  /** The settings used when agent.yaml has no {@code overflow} mapping. */
  public static Overflow defaults() {
    return new Overflow(0.9, 0.3, 2);
  }

  /** The token count above which the window is summarised. */
  public long thresholdTokens(int contextWindow) {
    return (long) Math.floor(threshold * contextWindow);
  }

  /**
   * Reads the {@code overflow} mapping.
   *
   * @param unknown receives unknown keys, kept as read
   * @throws ConfigException naming the line of the first wrong value
   */
  static Overflow parse(YamlMap y, List<Problem> warnings, ObjectNode unknown) {
    ObjectNode node = y.object(KEY).orElse(JsonNodeFactory.instance.objectNode());
    Overflow d = defaults();
    double threshold = d.threshold;
    double summarize = d.summarize;
    int retries = d.retries;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      switch (e.getKey()) {
        case "threshold" -> threshold = share(y, "threshold", v, "over 0 and at most 1", true);
        case "summarize" -> summarize = share(y, "summarize", v, "over 0 and below 1", false);
        case "retries" -> {
          if (!v.isIntegralNumber()
              || !v.canConvertToInt()
              || v.intValue() < 0
              || v.intValue() > 10) {
            throw error(
                y, "retries", "must be an integer from 0 to 10, got " + YamlMap.describe(v));
          }
          retries = v.intValue();
        }
        default -> {
          warnings.add(
              Problem.warning(
                  FILE,
                  y.line(KEY, e.getKey()),
                  "unknown key '"
                      + KEY
                      + "."
                      + e.getKey()
                      + "' (kept as is; known: threshold, summarize, retries)"));
          unknown.set(e.getKey(), v);
        }
      }
    }
    return new Overflow(threshold, summarize, retries);
  }

  private static double share(YamlMap y, String key, JsonNode v, String range, boolean oneOk) {
    double x = v.isNumber() ? v.doubleValue() : Double.NaN;
    if (!(x > 0 && (oneOk ? x <= 1 : x < 1))) {
      throw error(y, key, "must be a number " + range + ", got " + YamlMap.describe(v));
    }
    return x;
  }

  private static ConfigException error(YamlMap y, String key, String detail) {
    return new ConfigException(FILE, y.line(KEY, key), "'" + KEY + "." + key + "' " + detail);
  }

  /** The mapping as written to agent.yaml; empty when every value is the default. */
  ObjectNode toNode() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    Overflow d = defaults();
    if (threshold != d.threshold) {
      n.put("threshold", threshold);
    }
    if (summarize != d.summarize) {
      n.put("summarize", summarize);
    }
    if (retries != d.retries) {
      n.put("retries", retries);
    }
    return n;
  }
}
