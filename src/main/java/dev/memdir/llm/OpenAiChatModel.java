package dev.memdir.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client for OpenAI's chat-completions API and the servers that copy it (Ollama, vLLM, llama.cpp
 * server, LM Studio, OpenRouter).
 */
final class OpenAiChatModel extends HttpChatModel {
  OpenAiChatModel(ModelConfig config) {
    super(config);
  }

  @Override
  String chatPath() {
    return "/chat/completions";
  }

  @Override
  String modelsPath() {
    return "/models";
  }

  @Override
  ChatResponse readStream(BodyStream in, StreamListener listener, Http.Progress progress)
      throws IOException {
    return new Assembler(listener, progress).read(in);
  }

  @Override
  Map<String, String> headers() {
    Map<String, String> h = new HashMap<>();
    config.apiKey().ifPresent(k -> h.put("Authorization", "Bearer " + k.reveal()));
    return h;
  }

  @Override
  ObjectNode body(ChatRequest request, boolean stream) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", config.model());
    ArrayNode messages = body.putArray("messages");
    for (Message m : request.messages()) {
      messages.add(message(m));
    }
    body.put(config.maxTokensField(), request.maxTokens());
    request.temperature().ifPresent(t -> body.put("temperature", t));
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolSpec t : request.tools()) {
        ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
        fn.put("name", t.name()).put("description", t.description());
        fn.set("parameters", t.parameters());
      }
      body.put("tool_choice", request.toolChoice().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (stream) {
      body.put("stream", true);
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  private static ObjectNode message(Message m) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    if (m instanceof SystemMessage s) {
      o.put("role", "system").put("content", s.text());
    } else if (m instanceof UserMessage u) {
      o.put("role", "user").put("content", u.text());
    } else if (m instanceof AssistantMessage a) {
      o.put("role", "assistant");
      if (a.text().isEmpty() && !a.toolCalls().isEmpty()) {
        o.putNull("content");
      } else {
        o.put("content", a.text());
      }
      if (!a.toolCalls().isEmpty()) {
        ArrayNode calls = o.putArray("tool_calls");
        for (ToolCall c : a.toolCalls()) {
          ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
          // Broken arguments go back as {}: servers that render chat templates (vLLM) parse
          // them and would refuse the whole request; the tool result carries the error.
          call.putObject("function")
              .put("name", c.name())
              .put("arguments", c.argumentsValid() ? c.rawArguments() : "{}");
        }
      }
    } else if (m instanceof ToolResultMessage r) {
      o.put("role", "tool").put("tool_call_id", r.toolCallId()).put("content", r.content());
    }
    return o;
  }

  @Override
  ChatResponse parse(JsonNode root) {
    if (root.has("error")) {
      throw Errors.fromErrorObject(config, root);
    }
    JsonNode choices = root.path("choices");
    if (!choices.isArray() || choices.isEmpty()) {
      throw Json.badResponse(config, "the reply has no choices");
    }
    JsonNode choice = choices.get(0);
    JsonNode message = choice.path("message");
    List<ToolCall> calls = new ArrayList<>();
    int index = 0;
    for (JsonNode tc : message.path("tool_calls")) {
      JsonNode fn = tc.path("function");
      JsonNode args = fn.get("arguments");
      String raw =
          args == null || args.isNull() ? "" : args.isTextual() ? args.asText() : args.toString();
      calls.add(ToolCall.of(id(Json.text(tc, "id"), index++), Json.text(fn, "name"), raw));
    }
    StringBuilder reasoning = new StringBuilder();
    String text = content(message.get("content"), reasoning);
    reasoning.append(reasoning(message));
    String refusal = Json.text(message, "refusal");
    return new ChatResponse(
        text,
        calls,
        stopReason(Json.text(choice, "finish_reason"), !calls.isEmpty(), !refusal.isEmpty()),
        usage(root.get("usage")),
        Json.text(root, "model").isEmpty() ? config.model() : Json.text(root, "model"),
        reasoning.toString(),
        refusal);
  }

  /**
   * The text of {@code content}: a string, or (Mistral) an array of parts whose {@code text} parts
   * are the reply and whose {@code thinking} parts go to {@code reasoning}.
   */
  private static String content(JsonNode content, StringBuilder reasoning) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        String type = Json.text(part, "type");
        if (type.equals("thinking")) {
          for (JsonNode t : part.path("thinking")) {
            reasoning.append(Json.text(t, "text"));
          }
        } else if (type.equals("text") || type.isEmpty()) {
          sb.append(Json.text(part, "text"));
        }
      }
      return sb.toString();
    }
    return content.asText();
  }

  /** Reasoning text as servers put it beside the content: vLLM/DeepSeek, Ollama/OpenRouter/Groq. */
  private static String reasoning(JsonNode messageOrDelta) {
    return Json.text(messageOrDelta, "reasoning_content") + Json.text(messageOrDelta, "reasoning");
  }

  static StopReason stopReason(String finish, boolean hasToolCalls, boolean refused) {
    if (refused) {
      return StopReason.REFUSAL;
    }
    if (hasToolCalls && !"length".equals(finish)) {
      return StopReason.TOOL_CALLS; // Ollama reports "stop" even when the model called tools
    }
    return switch (finish) {
      case "stop", "" -> StopReason.END_TURN;
      case "tool_calls", "function_call" -> StopReason.TOOL_CALLS;
      case "length" -> StopReason.MAX_TOKENS;
      case "content_filter" -> StopReason.CONTENT_FILTER;
      default -> StopReason.OTHER;
    };
  }

  private static Usage usage(JsonNode u) {
    if (u == null || !u.isObject()) {
      return Usage.ZERO;
    }
    // OpenAI: prompt_tokens_details.cached_tokens; some gateways put cached_tokens at the top.
    JsonNode details = u.path("prompt_tokens_details");
    long cached =
        details.has("cached_tokens")
            ? details.path("cached_tokens").asLong()
            : u.path("cached_tokens").asLong();
    return new Usage(
        Math.max(0, u.path("prompt_tokens").asLong()),
        Math.max(0, u.path("completion_tokens").asLong()),
        Math.max(0, cached),
        0);
  }

  private static String id(String given, int index) {
    if (!given.isEmpty()) {
      return given;
    }
    // Some servers send no id; the result must still name the call it answers.
    return "call_" + index + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  /** Puts a streamed reply back together and tells the listener each piece. */
  private final class Assembler {
    private final StreamListener listener;
    private final Http.Progress progress;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder refusal = new StringBuilder();
    private final TreeMap<Integer, PartialCall> calls = new TreeMap<>();
    private String finish;
    private boolean done;
    private Usage usage = Usage.ZERO;
    private String model = config.model();

    Assembler(StreamListener listener, Http.Progress progress) {
      this.listener = listener;
      this.progress = progress;
    }

    ChatResponse read(java.io.InputStream in) throws IOException {
      try {
        Sse.read(
            in,
            e -> {
              if (e.data().equals("[DONE]")) {
                done = true;
                return false;
              }
              return onChunk(Json.readEvent(config, e.data()));
            });
      } catch (IOException e) {
        if (finish == null) {
          throw e;
        }
        // The answer was complete; only the usage chunk or [DONE] was lost.
      }
      if (!done && finish == null) {
        throw new IOException("the stream ended before its last chunk");
      }
      List<ToolCall> result = new ArrayList<>();
      for (var entry : calls.entrySet()) {
        PartialCall p = entry.getValue();
        result.add(ToolCall.of(id(p.id, entry.getKey()), p.name, p.arguments.toString()));
      }
      return new ChatResponse(
          text.toString(),
          result,
          stopReason(finish == null ? "" : finish, !result.isEmpty(), refusal.length() > 0),
          usage,
          model,
          reasoning.toString(),
          refusal.toString());
    }

    /** Takes one chunk in; false when the stream is over. */
    private boolean onChunk(JsonNode chunk) {
      if (chunk.has("error")) {
        if (finish == null) {
          throw Errors.fromErrorObject(config, chunk);
        }
        // OpenRouter follows finish_reason "length" with an error chunk saying the same: the reply
        // already ended, and it is kept with the stop reason the stream gave.
        if (chunk.hasNonNull("usage")) {
          usage = usage(chunk.get("usage"));
        }
        done = true;
        return false;
      }
      if (!Json.text(chunk, "model").isEmpty()) {
        model = Json.text(chunk, "model");
      }
      if (chunk.hasNonNull("usage")) {
        usage = usage(chunk.get("usage"));
      }
      JsonNode choice = chunk.path("choices").path(0);
      if (choice.isMissingNode()) {
        return true;
      }
      JsonNode delta = choice.path("delta");
      reasoning.append(reasoning(delta));
      refusal.append(Json.text(delta, "refusal"));
      String content = Json.text(delta, "content");
      if (!content.isEmpty()) {
        text.append(content);
        progress.delivered();
        listener.onText(content);
      }
      for (JsonNode tc : delta.path("tool_calls")) {
        onToolCallDelta(tc);
      }
      if (!Json.text(choice, "finish_reason").isEmpty()) {
        finish = Json.text(choice, "finish_reason");
      }
      return true;
    }

    private void onToolCallDelta(JsonNode tc) {
      int index = tc.has("index") ? tc.get("index").asInt() : calls.size();
      PartialCall p = calls.computeIfAbsent(index, i -> new PartialCall());
      if (!Json.text(tc, "id").isEmpty() && !p.started) {
        p.id = Json.text(tc, "id");
      }
      JsonNode fn = tc.path("function");
      p.name +=
          Json.text(fn, "name").isEmpty() || p.name.equals(Json.text(fn, "name"))
              ? ""
              : Json.text(fn, "name");
      JsonNode args = fn.get("arguments");
      String piece =
          args == null || args.isNull() ? "" : args.isTextual() ? args.asText() : args.toString();
      p.arguments.append(piece);
      if (p.arguments.length() > ToolCall.MAX_ARGUMENT_CHARS + 1) {
        throw Json.badResponse(
            config, "tool call arguments over " + ToolCall.MAX_ARGUMENT_CHARS + " chars");
      }
      if (!p.started && !p.name.isEmpty()) {
        p.started = true;
        p.id = id(p.id, index);
        progress.delivered();
        listener.onToolCallStart(index, p.id, p.name);
        if (p.arguments.length() > 0) {
          listener.onToolCallArguments(index, p.arguments.toString());
        }
      } else if (p.started && !piece.isEmpty()) {
        listener.onToolCallArguments(index, piece);
      }
    }
  }

  private static final class PartialCall {
    String id = "";
    String name = "";
    final StringBuilder arguments = new StringBuilder();
    boolean started;
  }
}
