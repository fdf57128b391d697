package dev.memdir.bench.locomo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.FormatException;
import dev.memdir.format.TextFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A user's corrections to LoCoMo's gold answers ({@code --answer-key FILE}; memdir bundles none):
 * one {@code {"sample_id", "question_index", "answer"}} per line. The report shows the F1 under the
 * original key and under the corrected one.
 */
final class AnswerKey {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AnswerKey() {}

  /** The corrected gold answers by {@code sample_id + " " + question_index}. */
  static Map<String, String> read(Path file, LocomoData data) {
    byte[] bytes = TextFiles.readBytes(file, file.toString(), LocomoData.MAX_BYTES);
    Map<String, Integer> sizes = new HashMap<>();
    data.conversations().forEach(c -> sizes.put(c.sampleId(), c.questions().size()));
    Map<String, String> m = new HashMap<>();
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      int no = i + 1;
      JsonNode n;
      try {
        n = JSON.readTree(lines[i]);
      } catch (JsonProcessingException e) {
        throw new FormatException(
            file.toString(), no, "not JSON at " + dev.memdir.format.JsonErrors.reason(e));
      }
      if (!n.path("sample_id").isTextual()
          || !n.path("question_index").isIntegralNumber()
          || !(n.path("answer").isTextual() || n.path("answer").isNumber())) {
        throw new FormatException(
            file.toString(),
            no,
            "expected {\"sample_id\": text, \"question_index\": integer, \"answer\": text}");
      }
      String id = n.get("sample_id").asText();
      int q = n.get("question_index").asInt();
      Integer size = sizes.get(id);
      if (size == null || q < 0 || q >= size) {
        throw new FormatException(
            file.toString(), no, "no question " + id + " qa[" + q + "] in " + data.file());
      }
      if (m.put(id + " " + q, LocomoData.pyStr(n.get("answer"))) != null) {
        throw new FormatException(
            file.toString(), no, "a second correction of " + id + " qa[" + q + "]");
      }
    }
    return m;
  }

  /** The report's {@code answer_key} section: the F1 of {@code lines} under the corrected key. */
  static ObjectNode apply(Path file, LocomoData data, List<JsonNode> lines) {
    Map<String, String> key = read(file, data);
    List<JsonNode> rescored = new ArrayList<>();
    int changed = 0;
    for (JsonNode l : lines) {
      String gold = key.get(l.get("sample_id").asText() + " " + l.get("question_index").asInt());
      ObjectNode c = l.deepCopy();
      if (gold != null) {
        changed++;
        c.put("answer", gold);
        c.put(
            "f1", OfficialF1.score(l.get("category").asInt(), l.get("prediction").asText(), gold));
      }
      rescored.add(c);
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("file", file.toString());
    o.put("sha256", sha256(TextFiles.readBytes(file, file.toString(), LocomoData.MAX_BYTES)));
    o.put("corrections", key.size());
    o.put("questions_changed", changed);
    o.set("f1", AnswerReport.of(rescored, JSON.createObjectNode()).get("f1"));
    return o;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
