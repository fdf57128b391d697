package dev.memdir.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.memdir.LlmException;
import dev.memdir.LlmException.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays real responses recorded from OpenAI, Anthropic, OpenRouter, Groq, Gemini, Ollama, vLLM
 * and Mistral (../shared/data/llm-recordings/, never copied here) through the clients, from a real
 * server on 127.0.0.1, once with one SSE event per chunk and once cut into 7-byte chunks (through
 * lines and UTF-8 characters). What the client parsed is checked against the recording itself, read
 * here independently of the clients: text, tool calls, stop reason, usage, reasoning, refusal;
 * error recordings must map to the right kind with a one-line message.
 */
class RecordedTrafficTest {
  static final Path DIR = Path.of("..", "shared", "data", "llm-recordings");

  /** How the body is cut into writes, each flushed as its own HTTP chunk. */
  enum Chunking {
    EVENTS,
    SEVEN_BYTES
  }

  @TestFactory
  Stream<DynamicTest> everyRecordingParsesAsTheRecordingSaysInBothChunkings() throws IOException {
    if (!Files.isDirectory(DIR)) {
      String msg = "SKIPPED: recorded LLM traffic not found at " + DIR.toAbsolutePath().normalize();
      System.err.println(msg);
      assumeTrue(false, msg);
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(38);
    List<DynamicTest> tests = new ArrayList<>();
    for (Path f : files) {
      for (Chunking c : Chunking.values()) {
        tests.add(DynamicTest.dynamicTest(f.getFileName() + " " + c, () -> replay(f, c)));
      }
    }
    return tests.stream();
  }

  private static void replay(Path file, Chunking chunking) throws IOException {
    JsonNode rec = Json.MAPPER.readTree(file.toFile());
    try (Replay server = new Replay(rec, chunking)) {
      boolean anthropic = rec.path("provider").asText().equals("anthropic");
      ModelConfig config =
          ModelConfig.resolve(
                  (anthropic ? "anthropic/" : "openai/") + rec.path("model").asText(),
                  Optional.of(server.url() + (anthropic ? "" : "/v1")),
                  Map.of(anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY", Fixtures.KEY))
              .withRetry(RetryPolicy.DEFAULT.withSleeper(d -> {}))
              .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
      ChatModel model = ChatModels.open(config);
      boolean stream = rec.path("mode").asText().equals("stream");
      Expected expected = expected(rec, anthropic, stream);
      ChatRequest request =
          ChatRequest.of(List.of(new UserMessage("Hello")), List.of(Fixtures.weatherTool()));
      Fixtures.Collector heard = new Fixtures.Collector();
      if (expected.error != null) {
        assertThatThrownBy(() -> send(model, request, stream, heard))
            .isInstanceOfSatisfying(
                LlmException.class,
                e -> {
                  assertThat(e.kind()).as(e.getMessage()).isEqualTo(expected.error);
                  assertThat(e.retryable()).isEqualTo(expected.error.retryable());
                  assertThat(e.getMessage())
                      .startsWith(config.label() + ": ")
                      .doesNotContain("\n")
                      .doesNotContain("memdir bug");
                });
        if (expected.error == Kind.BAD_MODEL_OUTPUT) {
          assertThat(server.requests).isEqualTo(2); // worth one more sample, not four
        } else if (!expected.error.retryable()) {
          assertThat(server.requests).isEqualTo(1);
        }
        return;
      }
      ChatResponse r = send(model, request, stream, heard);
      assertThat(r.text()).isEqualTo(expected.text.toString());
      assertThat(r.reasoning()).isEqualTo(expected.reasoning.toString());
      assertThat(r.refusal()).isEqualTo(expected.refusal);
      assertThat(r.stopReason()).isEqualTo(expected.stopReason());
      assertThat(r.usage()).isEqualTo(expected.usage);
      assertThat(r.toolCalls()).hasSize(expected.calls.size());
      int i = 0;
      for (Call want : expected.calls.values()) {
        ToolCall got = r.toolCalls().get(i++);
        if (want.id.isEmpty()) {
          assertThat(got.id()).isNotEmpty(); // the server sent none: the client makes one
        } else {
          assertThat(got.id()).isEqualTo(want.id);
        }
        assertThat(got.name()).isEqualTo(want.name);
        JsonNode args = want.arguments();
        assertThat(got.arguments()).as(got.rawArguments()).contains((ObjectNode) args);
      }
      if (stream) {
        assertThat(heard.text.toString()).isEqualTo(r.text());
      }
      assertThat(server.requests).isEqualTo(1);
    }
  }

  private static ChatResponse send(
      ChatModel model, ChatRequest request, boolean stream, StreamListener heard) {
    return stream ? model.stream(request, heard) : model.chat(request);
  }

  /** What the recording says the reply is. */
  private static final class Expected {
    final StringBuilder text = new StringBuilder();
    final StringBuilder reasoning = new StringBuilder();
    String refusal = "";
    final TreeMap<Integer, Call> calls = new TreeMap<>();
    String finish = "";
    Usage usage = Usage.ZERO;
    Kind error;
    final Map<Integer, String> blockTypes = new TreeMap<>();

    StopReason stopReason() {
      if (!refusal.isEmpty() || finish.equals("refusal")) {
        return StopReason.REFUSAL;
      }
      return switch (finish) {
        case "length", "max_tokens" -> StopReason.MAX_TOKENS;
        case "tool_calls", "tool_use" -> StopReason.TOOL_CALLS;
        case "stop_sequence" -> StopReason.STOP_SEQUENCE;
        case "content_filter" -> StopReason.CONTENT_FILTER;
        default -> calls.isEmpty() ? StopReason.END_TURN : StopReason.TOOL_CALLS;
      };
    }
  }

  private static final class Call {
    String id = "";
    String name = "";
    final StringBuilder json = new StringBuilder();
    JsonNode input;

    JsonNode arguments() throws IOException {
      if (json.length() > 0) {
        return Json.MAPPER.readTree(json.toString());
      }
      return input == null ? Json.MAPPER.createObjectNode() : input;
    }
  }

  private static Expected expected(JsonNode rec, boolean anthropic, boolean stream)
      throws IOException {
    Expected x = new Expected();
    int status = rec.path("status").asInt();
    String body = rec.path("body").asText();
    if (status != 200) {
      x.error = errorKind(status, Json.MAPPER.readTree(body));
      return x;
    }
    if (!stream) {
      JsonNode root = Json.MAPPER.readTree(body);
      if (anthropic) {
        anthropicMessage(root, x);
      } else {
        openAiMessage(root, x);
      }
      return x;
    }
    for (JsonNode event : events(body)) {
      if (event == null) {
        continue; // [DONE]
      }
      if (anthropic) {
        anthropicEvent(event, x);
      } else {
        openAiChunk(event, x);
      }
      if (x.error != null) {
        break;
      }
    }
    return x;
  }

  /** The data of each server-sent event, parsed; null for {@code [DONE]}. */
  private static List<JsonNode> events(String body) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String block : body.replace("\r\n", "\n").split("\n\n")) {
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("data:")) {
          data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).strip());
        }
      }
      if (data.length() > 0) {
        out.add(data.toString().equals("[DONE]") ? null : Json.MAPPER.readTree(data.toString()));
      }
    }
    return out;
  }

  /** The kind an error body stands for, by HTTP status and the error's type and code. */
  private static Kind errorKind(int status, JsonNode root) {
    JsonNode e = root.path("error");
    String what =
        (e.path("type").asText() + " " + e.path("code").asText() + " " + e.path("message").asText())
            .toLowerCase(Locale.ROOT);
    if (what.contains("tool_use_failed")) {
      return Kind.BAD_MODEL_OUTPUT;
    }
    if (status == 401 || status == 403) {
      return Kind.AUTH;
    }
    if (status == 429) {
      return Kind.RATE_LIMITED;
    }
    if (status >= 500) {
      return Kind.SERVER_ERROR;
    }
    if (what.contains("context length") || what.contains("context_length")) {
      return Kind.CONTEXT_TOO_LONG;
    }
    if (status == 404 && what.contains("model")) {
      return Kind.UNKNOWN_MODEL;
    }
    return Kind.BAD_REQUEST;
  }

  private static void anthropicMessage(JsonNode root, Expected x) {
    int i = 0;
    for (JsonNode block : root.path("content")) {
      switch (block.path("type").asText()) {
        case "text" -> x.text.append(block.path("text").asText());
        case "thinking" -> x.reasoning.append(block.path("thinking").asText());
        case "tool_use" -> {
          Call c = new Call();
          c.id = block.path("id").asText();
          c.name = block.path("name").asText();
          c.input = block.path("input");
          x.calls.put(i, c);
        }
        default -> {}
      }
      i++;
    }
    x.finish = root.path("stop_reason").asText("");
    anthropicUsage(root.path("usage"), x);
    anthropicRefusal(root.path("stop_details"), x);
  }

  private static void anthropicRefusal(JsonNode details, Expected x) {
    if (x.finish.equals("refusal")) {
      x.refusal = details.path("explanation").asText("");
    }
  }

  private static void anthropicUsage(JsonNode u, Expected x) {
    if (!u.isObject()) {
      return;
    }
    Usage b = x.usage;
    long fresh = u.path("input_tokens").asLong();
    long write =
        u.has("cache_creation_input_tokens")
            ? u.path("cache_creation_input_tokens").asLong()
            : b.cacheWriteTokens();
    long read =
        u.has("cache_read_input_tokens")
            ? u.path("cache_read_input_tokens").asLong()
            : b.cachedInputTokens();
    long input = u.has("input_tokens") ? fresh + write + read : b.inputTokens();
    long output = u.has("output_tokens") ? u.path("output_tokens").asLong() : b.outputTokens();
    x.usage = new Usage(input, output, read, write);
  }

  private static void anthropicEvent(JsonNode e, Expected x) {
    switch (e.path("type").asText()) {
      case "message_start" -> {
        x.blockTypes.clear();
        anthropicUsage(e.path("message").path("usage"), x);
      }
      case "content_block_start" -> {
        JsonNode block = e.path("content_block");
        int index = e.path("index").asInt();
        x.blockTypes.put(index, block.path("type").asText());
        switch (block.path("type").asText()) {
          case "text" -> x.text.append(block.path("text").asText());
          case "thinking" -> x.reasoning.append(block.path("thinking").asText());
          case "tool_use" -> {
            Call c = new Call();
            c.id = block.path("id").asText();
            c.name = block.path("name").asText();
            c.input = block.path("input");
            x.calls.put(index, c);
          }
          default -> {}
        }
      }
      case "content_block_delta" -> {
        JsonNode d = e.path("delta");
        int index = e.path("index").asInt();
        switch (d.path("type").asText()) {
          case "text_delta" -> x.text.append(d.path("text").asText());
          case "thinking_delta" -> x.reasoning.append(d.path("thinking").asText());
          case "input_json_delta" -> {
            if ("tool_use".equals(x.blockTypes.get(index))) {
              x.calls.get(index).json.append(d.path("partial_json").asText());
            }
          }
          default -> {}
        }
      }
      case "message_delta" -> {
        String stop = e.path("delta").path("stop_reason").asText("");
        if (!stop.isEmpty()) {
          x.finish = stop;
        }
        anthropicUsage(e.path("usage"), x);
        anthropicRefusal(e.path("delta").path("stop_details"), x);
      }
      case "error" -> x.error = errorKind(0, e);
      default -> {}
    }
  }

  private static void openAiMessage(JsonNode root, Expected x) {
    JsonNode choice = root.path("choices").path(0);
    JsonNode m = choice.path("message");
    JsonNode content = m.path("content");
    if (content.isArray()) {
      for (JsonNode part : content) {
        if (part.path("type").asText().equals("text")) {
          x.text.append(part.path("text").asText());
        } else if (part.path("type").asText().equals("thinking")) {
          for (JsonNode t : part.path("thinking")) {
            x.reasoning.append(t.path("text").asText());
          }
        }
      }
    } else if (content.isTextual()) {
      x.text.append(content.asText());
    }
    x.reasoning
        .append(m.path("reasoning_content").asText(""))
        .append(m.path("reasoning").asText(""));
    x.refusal = m.path("refusal").asText("");
    int i = 0;
    for (JsonNode tc : m.path("tool_calls")) {
      Call c = new Call();
      c.id = tc.path("id").asText("");
      c.name = tc.path("function").path("name").asText();
      c.json.append(tc.path("function").path("arguments").asText());
      x.calls.put(i++, c);
    }
    x.finish = choice.path("finish_reason").asText("");
    openAiUsage(root.path("usage"), x);
  }

  private static void openAiUsage(JsonNode u, Expected x) {
    if (!u.isObject()) {
      return;
    }
    long cached =
        u.path("prompt_tokens_details").has("cached_tokens")
            ? u.path("prompt_tokens_details").path("cached_tokens").asLong()
            : u.path("cached_tokens").asLong();
    x.usage =
        new Usage(
            u.path("prompt_tokens").asLong(), u.path("completion_tokens").asLong(), cached, 0);
  }

  private static void openAiChunk(JsonNode chunk, Expected x) {
    if (chunk.has("error")) {
      if (x.finish.isEmpty()) {
        x.error = errorKind(chunk.path("error").path("code").asInt(0), chunk);
      }
      openAiUsage(chunk.path("usage"), x);
      return;
    }
    openAiUsage(chunk.path("usage"), x);
    JsonNode choice = chunk.path("choices").path(0);
    JsonNode d = choice.path("delta");
    x.text.append(d.path("content").asText(""));
    x.reasoning
        .append(d.path("reasoning_content").asText(""))
        .append(d.path("reasoning").asText(""));
    x.refusal += d.path("refusal").asText("");
    for (JsonNode tc : d.path("tool_calls")) {
      Call c = x.calls.computeIfAbsent(tc.path("index").asInt(x.calls.size()), k -> new Call());
      if (c.id.isEmpty()) {
        c.id = tc.path("id").asText("");
      }
      if (c.name.isEmpty()) {
        c.name = tc.path("function").path("name").asText("");
      }
      c.json.append(tc.path("function").path("arguments").asText(""));
    }
    if (!choice.path("finish_reason").asText("").isEmpty()) {
      x.finish = choice.path("finish_reason").asText();
    }
  }

  /** Serves one recording, as recorded, to every request. */
  private static final class Replay implements AutoCloseable {
    private final HttpServer server;
    int requests;

    Replay(JsonNode rec, Chunking chunking) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      byte[] body = rec.path("body").asText().getBytes(StandardCharsets.UTF_8);
      List<byte[]> pieces = pieces(rec.path("body").asText(), body, chunking);
      server.createContext(
          "/",
          exchange -> {
            requests++;
            exchange.getRequestBody().readAllBytes();
            rec.path("headers")
                .fields()
                .forEachRemaining(
                    h -> exchange.getResponseHeaders().add(h.getKey(), h.getValue().asText()));
            exchange.sendResponseHeaders(rec.path("status").asInt(), 0); // chunked
            try (OutputStream out = exchange.getResponseBody()) {
              for (byte[] p : pieces) {
                out.write(p);
                out.flush();
              }
            }
          });
      server.start();
    }

    private static List<byte[]> pieces(String text, byte[] body, Chunking chunking) {
      List<byte[]> out = new ArrayList<>();
      if (chunking == Chunking.SEVEN_BYTES) {
        for (int i = 0; i < body.length; i += 7) {
          out.add(java.util.Arrays.copyOfRange(body, i, Math.min(body.length, i + 7)));
        }
        return out;
      }
      int from = 0;
      for (int at = text.indexOf("\n\n"); at >= 0; at = text.indexOf("\n\n", from)) {
        out.add(text.substring(from, at + 2).getBytes(StandardCharsets.UTF_8));
        from = at + 2;
      }
      if (from < text.length()) {
        out.add(text.substring(from).getBytes(StandardCharsets.UTF_8));
      }
      return out;
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
