package dev.memdir.llm.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Replies in Anthropic's Messages format, plain and streamed. */
public final class AnthropicReplies {
  private static final String MODEL = "claude-sonnet-4-5";

  private AnthropicReplies() {}

  /** A finished text reply with 10 input and 5 output tokens of usage. */
  public static ScriptedReply text(String text) {
    return text(text, 10, 5);
  }

  /** A finished text reply with the given usage. */
  public static ScriptedReply text(String text, int inputTokens, int outputTokens) {
    return ScriptedReply.json(200, message(text, List.of(), "end_turn", inputTokens, outputTokens));
  }

  /** A text reply cut off at the max-tokens limit ({@code stop_reason: max_tokens}). */
  public static ScriptedReply truncatedText(String text) {
    return ScriptedReply.json(200, message(text, List.of(), "max_tokens", 10, 5));
  }

  /** A reply with optional text and tool calls ({@code stop_reason: tool_use}). */
  public static ScriptedReply toolUse(String text, ScriptedToolCall... calls) {
    return ScriptedReply.json(200, message(text, List.of(calls), "tool_use", 20, 8));
  }

  /**
   * A whole {@code message} object; each call's arguments must be a JSON object, as Anthropic
   * always sends parsed input.
   */
  public static ObjectNode message(
      String text,
      List<ScriptedToolCall> calls,
      String stopReason,
      int inputTokens,
      int outputTokens) {
    ObjectNode root =
        Wire.object()
            .put("id", "msg_scripted")
            .put("type", "message")
            .put("role", "assistant")
            .put("model", MODEL);
    ArrayNode content = root.putArray("content");
    if (!text.isEmpty()) {
      content.addObject().put("type", "text").put("text", text);
    }
    for (ScriptedToolCall c : calls) {
      content
          .addObject()
          .put("type", "tool_use")
          .put("id", c.id())
          .put("name", c.name())
          .set("input", parseInput(c));
    }
    root.put("stop_reason", stopReason);
    root.putNull("stop_sequence");
    root.set(
        "usage", Wire.object().put("input_tokens", inputTokens).put("output_tokens", outputTokens));
    return root;
  }

  /** A stream of text in these pieces, with every event type Anthropic sends, ping included. */
  public static ScriptedReply streamText(String... pieces) {
    List<String> events = new ArrayList<>();
    events.add(messageStart());
    ObjectNode block = Wire.object().put("type", "text").put("text", "");
    events.add(
        event(
            "content_block_start",
            Wire.object()
                .put("type", "content_block_start")
                .put("index", 0)
                .set("content_block", block)));
    events.add(event("ping", Wire.object().put("type", "ping")));
    for (String p : pieces) {
      events.add(delta(0, Wire.object().put("type", "text_delta").put("text", p)));
    }
    events.add(blockStop(0));
    events.addAll(messageEnd("end_turn", pieces.length));
    return ScriptedReply.events(events);
  }

  /**
   * A stream of optional text then tool calls, each tool's input sent as {@code input_json_delta}
   * pieces of at most 7 characters, exactly as scripted (so malformed input can be scripted).
   */
  public static ScriptedReply streamToolUse(String text, ScriptedToolCall... calls) {
    List<String> events = new ArrayList<>();
    events.add(messageStart());
    int index = 0;
    if (!text.isEmpty()) {
      events.add(
          event(
              "content_block_start",
              Wire.object()
                  .put("type", "content_block_start")
                  .put("index", 0)
                  .set("content_block", Wire.object().put("type", "text").put("text", ""))));
      events.add(delta(0, Wire.object().put("type", "text_delta").put("text", text)));
      events.add(blockStop(0));
      index++;
    }
    for (ScriptedToolCall c : calls) {
      ObjectNode block =
          Wire.object().put("type", "tool_use").put("id", c.id()).put("name", c.name());
      block.putObject("input");
      events.add(
          event(
              "content_block_start",
              Wire.object()
                  .put("type", "content_block_start")
                  .put("index", index)
                  .set("content_block", block)));
      for (String piece : OpenAiReplies.pieces(c.arguments(), 7)) {
        events.add(
            delta(index, Wire.object().put("type", "input_json_delta").put("partial_json", piece)));
      }
      events.add(blockStop(index));
      index++;
    }
    events.addAll(messageEnd("tool_use", 8));
    return ScriptedReply.events(events);
  }

  /** A server-sent event with a name and a JSON payload. */
  public static String event(String name, JsonNode data) {
    return "event: " + name + "\ndata: " + data;
  }

  /** An error reply in Anthropic's shape. */
  public static ScriptedReply error(int status, String type, String message) {
    return ScriptedReply.json(status, Wire.anthropicError(type, message));
  }

  /** A 529, which Anthropic sends when it is overloaded. */
  public static ScriptedReply overloaded() {
    return error(529, "overloaded_error", "Overloaded");
  }

  private static String messageStart() {
    ObjectNode message =
        Wire.object()
            .put("id", "msg_scripted")
            .put("type", "message")
            .put("role", "assistant")
            .put("model", MODEL);
    message.putArray("content");
    message.putNull("stop_reason").putNull("stop_sequence");
    message.set("usage", Wire.object().put("input_tokens", 10).put("output_tokens", 1));
    return event(
        "message_start", Wire.object().put("type", "message_start").set("message", message));
  }

  private static String delta(int index, ObjectNode delta) {
    return event(
        "content_block_delta",
        Wire.object().put("type", "content_block_delta").put("index", index).set("delta", delta));
  }

  private static String blockStop(int index) {
    return event(
        "content_block_stop", Wire.object().put("type", "content_block_stop").put("index", index));
  }

  private static List<String> messageEnd(String stopReason, int outputTokens) {
    ObjectNode md = Wire.object().put("type", "message_delta");
    md.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
    md.putObject("usage").put("output_tokens", outputTokens);
    return List.of(
        event("message_delta", md),
        event("message_stop", Wire.object().put("type", "message_stop")));
  }

  private static JsonNode parseInput(ScriptedToolCall c) {
    try {
      JsonNode n = Wire.MAPPER.readTree(c.arguments().isEmpty() ? "{}" : c.arguments());
      if (n != null && n.isObject()) {
        return n;
      }
    } catch (IOException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "Anthropic sends tool input as a JSON object; use"
            + " streamToolUse to script malformed input, got "
            + c.arguments());
  }
}
