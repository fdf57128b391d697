package dev.memdir.llm.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Replies in OpenAI's chat-completions format, plain and streamed. */
public final class OpenAiReplies {
  /** The last event of every stream. */
  public static final String DONE = "data: [DONE]";

  private static final String MODEL = "gpt-4o-mini-2024-07-18";
  private static final long CREATED = 1_700_000_000L;

  private OpenAiReplies() {}

  /** A finished text reply, with 10 prompt and 5 completion tokens of usage. */
  public static ScriptedReply text(String text) {
    return text(text, 10, 5);
  }

  /** A finished text reply with the given usage. */
  public static ScriptedReply text(String text, int promptTokens, int completionTokens) {
    return ScriptedReply.json(
        200, completion(text, List.of(), "stop", promptTokens, completionTokens));
  }

  /** A refusal as OpenAI sends it: {@code content} null, the words in {@code refusal}. */
  public static ScriptedReply refusal(String words) {
    ObjectNode root = completion("", List.of(), "stop", 10, 5);
    ObjectNode message = (ObjectNode) root.path("choices").path(0).path("message");
    message.putNull("content");
    message.put("refusal", words);
    return ScriptedReply.json(200, root);
  }

  /** A streamed refusal: {@code delta.refusal} pieces, then {@code finish_reason: stop}. */
  public static ScriptedReply streamRefusal(String words) {
    List<String> events = new ArrayList<>();
    events.add(event(chunk(Wire.object().put("role", "assistant").putNull("content"), null)));
    events.add(event(chunk(Wire.object().put("refusal", words), null)));
    events.add(event(chunk(Wire.object(), "stop")));
    events.add(DONE);
    return ScriptedReply.events(events);
  }

  /** A text reply cut off at the max-tokens limit ({@code finish_reason: length}). */
  public static ScriptedReply truncatedText(String text) {
    return ScriptedReply.json(200, completion(text, List.of(), "length", 10, 5));
  }

  /** A reply that calls tools ({@code finish_reason: tool_calls}). */
  public static ScriptedReply toolCalls(ScriptedToolCall... calls) {
    return ScriptedReply.json(200, completion("", List.of(calls), "tool_calls", 20, 8));
  }

  /**
   * A whole {@code chat.completion} object.
   *
   * @param text the content; empty means {@code null}, as OpenAI sends with tool calls
   */
  public static ObjectNode completion(
      String text,
      List<ScriptedToolCall> calls,
      String finishReason,
      int promptTokens,
      int completionTokens) {
    ObjectNode root =
        Wire.object()
            .put("id", "chatcmpl-scripted")
            .put("object", "chat.completion")
            .put("created", CREATED)
            .put("model", MODEL);
    ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    if (text.isEmpty() && !calls.isEmpty()) {
      message.putNull("content");
    } else {
      message.put("content", text);
    }
    if (!calls.isEmpty()) {
      ArrayNode arr = message.putArray("tool_calls");
      for (ScriptedToolCall c : calls) {
        arr.addObject()
            .put("id", c.id())
            .put("type", "function")
            .putObject("function")
            .put("name", c.name())
            .put("arguments", c.arguments());
      }
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    root.set("usage", usage(promptTokens, completionTokens));
    return root;
  }

  /** A stream of text in these pieces, then the finish, usage and {@code [DONE]} chunks. */
  public static ScriptedReply streamText(String... pieces) {
    List<String> events = new ArrayList<>();
    events.add(event(chunk(Wire.object().put("role", "assistant").put("content", ""), null)));
    for (String p : pieces) {
      events.add(event(chunk(Wire.object().put("content", p), null)));
    }
    events.add(event(chunk(Wire.object(), "stop")));
    events.add(event(usageChunk(10, pieces.length)));
    events.add(DONE);
    return ScriptedReply.events(events);
  }

  /**
   * A stream of tool calls as OpenAI sends them: per call a first delta with id and name, then the
   * arguments in pieces of at most 7 characters.
   */
  public static ScriptedReply streamToolCalls(ScriptedToolCall... calls) {
    List<String> events = new ArrayList<>();
    events.add(event(chunk(Wire.object().put("role", "assistant").putNull("content"), null)));
    for (int i = 0; i < calls.length; i++) {
      ScriptedToolCall c = calls[i];
      ObjectNode first = Wire.object();
      first
          .putArray("tool_calls")
          .addObject()
          .put("index", i)
          .put("id", c.id())
          .put("type", "function")
          .putObject("function")
          .put("name", c.name())
          .put("arguments", "");
      events.add(event(chunk(first, null)));
      for (String piece : pieces(c.arguments(), 7)) {
        ObjectNode d = Wire.object();
        d.putArray("tool_calls")
            .addObject()
            .put("index", i)
            .putObject("function")
            .put("arguments", piece);
        events.add(event(chunk(d, null)));
      }
    }
    events.add(event(chunk(Wire.object(), "tool_calls")));
    events.add(event(usageChunk(20, 8)));
    events.add(DONE);
    return ScriptedReply.events(events);
  }

  /** A {@code chat.completion.chunk} with one choice holding {@code delta}. */
  public static ObjectNode chunk(ObjectNode delta, String finishReason) {
    ObjectNode root =
        Wire.object()
            .put("id", "chatcmpl-scripted")
            .put("object", "chat.completion.chunk")
            .put("created", CREATED)
            .put("model", MODEL);
    ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return root;
  }

  /** The last chunk of a stream asked for with {@code stream_options.include_usage}. */
  public static ObjectNode usageChunk(int promptTokens, int completionTokens) {
    ObjectNode root =
        Wire.object()
            .put("id", "chatcmpl-scripted")
            .put("object", "chat.completion.chunk")
            .put("created", CREATED)
            .put("model", MODEL);
    root.putArray("choices");
    root.set("usage", usage(promptTokens, completionTokens));
    return root;
  }

  /** A server-sent event carrying {@code json}. */
  public static String event(JsonNode json) {
    return "data: " + json;
  }

  /** An error reply in OpenAI's shape. */
  public static ScriptedReply error(int status, String message, String type, String code) {
    return ScriptedReply.json(status, Wire.openAiError(message, type, null, code));
  }

  /** A 429 asking the client to wait {@code retryAfterSeconds}. */
  public static ScriptedReply rateLimited(int retryAfterSeconds) {
    return error(
            429,
            "Rate limit reached for requests. Please try again in " + retryAfterSeconds + "s.",
            "requests",
            "rate_limit_exceeded")
        .withHeader("Retry-After", Integer.toString(retryAfterSeconds));
  }

  /** A 500 as OpenAI sends it. */
  public static ScriptedReply serverError() {
    return error(
        500,
        "The server had an error while processing your request. Sorry about" + " that!",
        "server_error",
        null);
  }

  private static ObjectNode usage(int prompt, int completion) {
    return Wire.object()
        .put("prompt_tokens", prompt)
        .put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
  }

  static List<String> pieces(String s, int size) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.length(); i += size) {
      out.add(s.substring(i, Math.min(s.length(), i + size)));
    }
    return out;
  }
}
