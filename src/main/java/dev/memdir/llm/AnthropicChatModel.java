package dev.memdir.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A client for Anthropic's Messages API, tools and streaming included. */
final class AnthropicChatModel extends HttpChatModel {
  /** The API version every request names, as the API requires. */
  static final String API_VERSION = "2023-06-01";

  AnthropicChatModel(ModelConfig config) {
    super(config);
  }

  @Override
  String chatPath() {
    return "/v1/messages";
  }

  @Override
  String modelsPath() {
    return "/v1/models?limit=1000";
  }

  @Override
  ChatResponse readStream(BodyStream in, StreamListener listener, Http.Progress progress)
      throws IOException {
    return new Assembler(listener, progress).read(in);
  }

  @Override
  Map<String, String> headers() {
    Map<String, String> h = new HashMap<>();
    h.put("anthropic-version", API_VERSION);
    config.apiKey().ifPresent(k -> h.put("x-api-key", k.reveal()));
    return h;
  }

  @Override
  ObjectNode body(ChatRequest request, boolean stream) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", config.model());
    body.put("max_tokens", request.maxTokens());
    StringBuilder system = new StringBuilder();
    ArrayNode messages = Json.MAPPER.createArrayNode();
    for (Message m : request.messages()) {
      if (m instanceof SystemMessage s) {
        if (!s.text().isBlank()) {
          system.append(system.length() == 0 ? "" : "\n\n").append(s.text());
        }
        continue;
      }
      String role = m instanceof AssistantMessage ? "assistant" : "user";
      ObjectNode last = messages.isEmpty() ? null : (ObjectNode) messages.get(messages.size() - 1);
      ArrayNode content;
      if (last != null && last.get("role").asText().equals(role)) {
        content = (ArrayNode) last.get("content"); // the API wants roles to alternate
      } else {
        ObjectNode msg = messages.addObject().put("role", role);
        content = msg.putArray("content");
      }
      addBlocks(m, content);
    }
    for (JsonNode msg : messages) {
      if (msg.get("content").isEmpty()) {
        ((ArrayNode) msg.get("content")).addObject().put("type", "text").put("text", "(empty)");
      }
    }
    if (system.length() > 0) {
      body.put("system", system.toString());
    }
    body.set("messages", messages);
    request.temperature().ifPresent(t -> body.put("temperature", Math.min(1.0, t)));
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolSpec t : request.tools()) {
        ObjectNode tool = tools.addObject().put("name", t.name());
        if (!t.description().isEmpty()) {
          tool.put("description", t.description());
        }
        tool.set("input_schema", t.parameters());
      }
      String choice =
          switch (request.toolChoice()) {
            case AUTO -> "auto";
            case REQUIRED -> "any";
            case NONE -> "none";
          };
      body.putObject("tool_choice").put("type", choice);
    }
    if (stream) {
      body.put("stream", true);
    }
    return body;
  }

  private static void addBlocks(Message m, ArrayNode content) {
    if (m instanceof UserMessage u) {
      if (!u.text().isEmpty()) {
        content.addObject().put("type", "text").put("text", u.text());
      }
    } else if (m instanceof AssistantMessage a) {
      if (!a.text().isEmpty()) {
        content.addObject().put("type", "text").put("text", a.text());
      }
      for (ToolCall c : a.toolCalls()) {
        ObjectNode block =
            content.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name());
        block.set("input", c.arguments().orElseGet(Json.MAPPER::createObjectNode));
      }
    } else if (m instanceof ToolResultMessage r) {
      ObjectNode block =
          content.addObject().put("type", "tool_result").put("tool_use_id", r.toolCallId());
      if (!r.content().isEmpty()) {
        block.put("content", r.content());
      }
      if (r.isError()) {
        block.put("is_error", true);
      }
    }
  }

  @Override
  ChatResponse parse(JsonNode root) {
    if ("error".equals(Json.text(root, "type")) || root.has("error")) {
      throw Errors.fromErrorObject(config, root);
    }
    JsonNode content = root.path("content");
    if (!content.isArray()) {
      throw Json.badResponse(config, "the reply has no content");
    }
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode block : content) {
      String type = Json.text(block, "type");
      if (type.equals("text")) {
        text.append(Json.text(block, "text"));
      } else if (type.equals("thinking")) {
        reasoning.append(Json.text(block, "thinking"));
      } else if (type.equals("tool_use")) {
        JsonNode input = block.get("input");
        calls.add(
            input instanceof ObjectNode o
                ? ToolCall.of(Json.text(block, "id"), Json.text(block, "name"), o)
                : ToolCall.of(
                    Json.text(block, "id"),
                    Json.text(block, "name"),
                    input == null ? "" : input.toString()));
      }
    }
    // Other block types (server_tool_use, web_search_tool_result, redacted_thinking, ...) are
    // the server's own work or opaque: skipped here and in streams alike.
    String stop = Json.text(root, "stop_reason");
    return new ChatResponse(
        text.toString(),
        calls,
        stopReason(stop, !calls.isEmpty()),
        usage(root.get("usage"), Usage.ZERO),
        Json.text(root, "model").isEmpty() ? config.model() : Json.text(root, "model"),
        reasoning.toString(),
        refusal(stop, root.path("stop_details")));
  }

  /** Why the model refused, when {@code stop} says it did and the server explains. */
  private static String refusal(String stop, JsonNode details) {
    return stop.equals("refusal") ? Json.text(details, "explanation") : "";
  }

  static StopReason stopReason(String reason, boolean hasToolCalls) {
    return switch (reason) {
      case "end_turn", "" -> hasToolCalls ? StopReason.TOOL_CALLS : StopReason.END_TURN;
      case "tool_use" -> StopReason.TOOL_CALLS;
      case "max_tokens", "model_context_window_exceeded" -> StopReason.MAX_TOKENS;
      case "stop_sequence" -> StopReason.STOP_SEQUENCE;
      case "refusal" -> StopReason.REFUSAL;
      default -> StopReason.OTHER;
    };
  }

  /** Usage from a usage object; counts it lacks are taken from {@code before}. */
  private static Usage usage(JsonNode u, Usage before) {
    if (u == null || !u.isObject()) {
      return before;
    }
    long input = before.inputTokens();
    if (u.has("input_tokens")) {
      input =
          u.path("input_tokens").asLong()
              + u.path("cache_creation_input_tokens").asLong()
              + u.path("cache_read_input_tokens").asLong();
    }
    long output = u.has("output_tokens") ? u.path("output_tokens").asLong() : before.outputTokens();
    long read =
        u.has("cache_read_input_tokens")
            ? u.path("cache_read_input_tokens").asLong()
            : before.cachedInputTokens();
    long write =
        u.has("cache_creation_input_tokens")
            ? u.path("cache_creation_input_tokens").asLong()
            : before.cacheWriteTokens();
    return new Usage(
        Math.max(0, input), Math.max(0, output), Math.max(0, read), Math.max(0, write));
  }

  /** Puts a streamed reply back together and tells the listener each piece. */
  private final class Assembler {
    private final StreamListener listener;
    private final Http.Progress progress;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final TreeMap<Integer, PartialCall> calls = new TreeMap<>();
    private final Map<Integer, String> blockTypes = new HashMap<>();
    private String stop;
    private String refusal = "";
    private boolean done;
    private Usage usage = Usage.ZERO;
    private String model = config.model();

    Assembler(StreamListener listener, Http.Progress progress) {
      this.listener = listener;
      this.progress = progress;
    }

    ChatResponse read(InputStream in) throws IOException {
      try {
        Sse.read(
            in,
            e -> {
              onEvent(Json.readEvent(config, e.data()));
              return !done;
            });
      } catch (IOException e) {
        if (stop == null) {
          throw e;
        }
        // The answer was complete; only message_stop was lost.
      }
      if (!done && stop == null) {
        throw new IOException("the stream ended before message_stop");
      }
      List<ToolCall> result = new ArrayList<>();
      for (PartialCall p : calls.values()) {
        String raw = p.arguments.length() == 0 ? p.initialInput : p.arguments.toString();
        result.add(ToolCall.of(p.id, p.name, raw));
      }
      return new ChatResponse(
          text.toString(),
          result,
          stopReason(stop == null ? "" : stop, !result.isEmpty()),
          usage,
          model,
          reasoning.toString(),
          refusal);
    }

    private void onEvent(JsonNode event) {
      switch (Json.text(event, "type")) {
        case "message_start" -> {
          JsonNode message = event.path("message");
          if (!Json.text(message, "model").isEmpty()) {
            model = Json.text(message, "model");
          }
          usage = usage(message.get("usage"), usage);
        }
        case "content_block_start" -> {
          JsonNode block = event.path("content_block");
          int index = event.path("index").asInt();
          blockTypes.put(index, Json.text(block, "type"));
          if (Json.text(block, "type").equals("thinking")) {
            reasoning.append(Json.text(block, "thinking"));
          } else if (Json.text(block, "type").equals("tool_use")) {
            PartialCall p =
                new PartialCall(
                    calls.size(),
                    Json.text(block, "id"),
                    Json.text(block, "name"),
                    block.has("input") ? block.get("input").toString() : "");
            calls.put(index, p);
            progress.delivered();
            listener.onToolCallStart(p.ordinal, p.id, p.name);
          } else if (Json.text(block, "type").equals("text")) {
            onText(Json.text(block, "text"));
          }
        }
        case "content_block_delta" -> onDelta(event.path("index").asInt(), event.path("delta"));
        case "message_delta" -> {
          String reason = Json.text(event.path("delta"), "stop_reason");
          if (!reason.isEmpty()) {
            stop = reason;
            String why = refusal(reason, event.path("delta").path("stop_details"));
            refusal = why.isEmpty() ? refusal : why;
          }
          usage = usage(event.get("usage"), usage);
        }
        case "message_stop" -> done = true;
        case "error" -> throw Errors.fromErrorObject(config, event);
        default -> {
          // ping, content_block_stop and event types added later carry nothing needed here
        }
      }
    }

    private void onDelta(int index, JsonNode delta) {
      String type = Json.text(delta, "type");
      if (type.equals("thinking_delta")) {
        reasoning.append(Json.text(delta, "thinking"));
      } else if (type.equals("text_delta")) {
        onText(Json.text(delta, "text"));
      } else if (type.equals("input_json_delta")) {
        PartialCall p = calls.get(index);
        if (p == null) {
          if (blockTypes.containsKey(index)) {
            return; // the input of a block type skipped, such as server_tool_use
          }
          throw Json.badResponse(
              config, "input_json_delta for block " + index + ", which was never started");
        }
        String piece = Json.text(delta, "partial_json");
        p.arguments.append(piece);
        if (p.arguments.length() > ToolCall.MAX_ARGUMENT_CHARS + 1) {
          throw Json.badResponse(
              config, "tool input over " + ToolCall.MAX_ARGUMENT_CHARS + " chars");
        }
        if (!piece.isEmpty()) {
          listener.onToolCallArguments(p.ordinal, piece);
        }
      }
    }

    private void onText(String piece) {
      if (!piece.isEmpty()) {
        text.append(piece);
        progress.delivered();
        listener.onText(piece);
      }
    }
  }

  private static final class PartialCall {
    final int ordinal;
    final String id;
    final String name;
    final String initialInput;
    final StringBuilder arguments = new StringBuilder();

    PartialCall(int ordinal, String id, String name, String initialInput) {
      this.ordinal = ordinal;
      this.id = id;
      this.name = name;
      this.initialInput = initialInput;
    }
  }
}
