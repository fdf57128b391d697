package dev.memdir.llm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The JSON mapper of this package: strict about trailing garbage, capped in depth. */
final class Json {
  static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(200).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  /** What kind of JSON value {@code node} is, for messages. */
  static String typeName(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL, MISSING -> "null";
      default -> "an object";
    };
  }

  /** A short description of a parse error: the reason and the column. */
  static String describe(JsonProcessingException e) {
    String reason = e.getOriginalMessage();
    int nl = reason.indexOf('\n');
    if (nl >= 0) {
      reason = reason.substring(0, nl);
    }
    if (reason.length() > 160) {
      reason = reason.substring(0, 160) + "...";
    }
    if (e.getLocation() != null && e.getLocation().getColumnNr() > 0) {
      return reason + " at column " + e.getLocation().getColumnNr();
    }
    return reason;
  }

  /**
   * Parses a whole reply body; a body that ends mid-JSON is an I/O error (the transfer was cut),
   * anything else that does not parse is a {@code BAD_RESPONSE}.
   */
  static JsonNode readReply(ModelConfig config, byte[] body) throws java.io.IOException {
    try {
      JsonNode root = MAPPER.readTree(body);
      if (root == null || !root.isObject()) {
        throw badResponse(config, "the reply is not a JSON object");
      }
      return root;
    } catch (com.fasterxml.jackson.core.io.JsonEOFException e) {
      throw new java.io.IOException("the JSON body ends early", e);
    } catch (JsonProcessingException e) {
      throw badResponse(config, "the reply is not JSON (" + describe(e) + ")");
    }
  }

  /** Parses one event of a stream, which must be a JSON object. */
  static JsonNode readEvent(ModelConfig config, String data) {
    try {
      JsonNode node = MAPPER.readTree(data);
      if (node == null || !node.isObject()) {
        throw badResponse(config, "a stream event is not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw badResponse(config, "a stream event is not JSON (" + describe(e) + ")");
    }
  }

  static dev.memdir.LlmException badResponse(ModelConfig config, String what) {
    return Errors.error(
        config,
        dev.memdir.LlmException.Kind.BAD_RESPONSE,
        0,
        what,
        "check that base_url points at a "
            + (config.provider().openAiCompatible() ? "OpenAI-compatible" : "Anthropic")
            + " server");
  }

  /** The text of {@code node.get(field)}, or empty when absent or null. */
  static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }
}
