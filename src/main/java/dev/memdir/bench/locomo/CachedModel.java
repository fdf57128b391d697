package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatRequest;
import dev.memdir.llm.ChatResponse;
import dev.memdir.llm.Message;
import dev.memdir.llm.ModelConfig;
import dev.memdir.llm.StopReason;
import dev.memdir.llm.StreamListener;
import dev.memdir.llm.ToolCall;
import dev.memdir.llm.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A model whose replies are kept under {@code <out>/cache/}, one file per request, named by the
 * sha256 of the model's label and the request's full text (messages, tools, limits): a rerun or a
 * re-score sends nothing a cached reply answers. One instance serves one question and records what
 * it was asked, so the harness can tell what entered the context and what it cost.
 */
final class CachedModel implements ChatModel {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChatModel model;
  private final Path cacheDir;
  private final String salt;
  private final SharedBackoff backoff;
  private final List<ChatRequest> requests = new ArrayList<>();
  private Usage usage = Usage.ZERO;
  private int calls;
  private int hits;

  CachedModel(ChatModel model, Path cacheDir) {
    this(model, cacheDir, "", SharedBackoff.defaults());
  }

  CachedModel(ChatModel model, Path cacheDir, SharedBackoff backoff) {
    this(model, cacheDir, "", backoff);
  }

  /**
   * A cache whose keys also hold {@code salt}: the same request under another salt (the judge's run
   * number) is sent again.
   */
  CachedModel(ChatModel model, Path cacheDir, String salt, SharedBackoff backoff) {
    this.model = Objects.requireNonNull(model, "model");
    this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    this.salt = Objects.requireNonNull(salt, "salt");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
  }

  @Override
  public ModelConfig config() {
    return model.config();
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    return answer(request, () -> model.chat(request));
  }

  /** Streams are not needed by the harness: the reply is fetched whole and cached. */
  @Override
  public ChatResponse stream(ChatRequest request, StreamListener listener) {
    return answer(request, () -> model.chat(request));
  }

  @Override
  public List<String> models() {
    return model.models();
  }

  /** Every request this question sent, cached or not, in order. */
  synchronized List<ChatRequest> requests() {
    return List.copyOf(requests);
  }

  /** The tokens of every reply, cached ones included (what the question costs uncached). */
  synchronized Usage usage() {
    return usage;
  }

  /** Requests that reached the model. */
  synchronized int calls() {
    return calls;
  }

  /** Requests answered from the cache. */
  synchronized int hits() {
    return hits;
  }

  private ChatResponse answer(ChatRequest request, java.util.function.Supplier<ChatResponse> call) {
    String key = key(model.config().label() + salt, request);
    Path file = cacheDir.resolve(key.substring(0, 2)).resolve(key + ".json");
    ChatResponse r;
    boolean hit = Files.isRegularFile(file);
    if (hit) {
      r = read(file);
    } else {
      r = backoff.call(call);
      write(file, r);
    }
    synchronized (this) {
      requests.add(request);
      usage = usage.plus(r.usage());
      if (hit) {
        hits++;
      } else {
        calls++;
      }
    }
    return r;
  }

  /** The cache key: sha256 of the model label and the request's text (records print all fields). */
  static String key(String modelLabel, ChatRequest request) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(modelLabel.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(request.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** All text of a request's messages, as the model sees it. */
  static String text(ChatRequest request) {
    StringBuilder sb = new StringBuilder();
    for (Message m : request.messages()) {
      sb.append(m).append('\n');
    }
    return sb.toString();
  }

  private static void write(Path file, ChatResponse r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("text", r.text());
    ArrayNode calls = o.putArray("tool_calls");
    for (ToolCall c : r.toolCalls()) {
      calls.addObject().put("id", c.id()).put("name", c.name()).put("arguments", c.rawArguments());
    }
    o.put("stop_reason", r.stopReason().word());
    ObjectNode u = o.putObject("usage");
    u.put("input", r.usage().inputTokens());
    u.put("output", r.usage().outputTokens());
    u.put("cached_input", r.usage().cachedInputTokens());
    u.put("cache_write", r.usage().cacheWriteTokens());
    o.put("model", r.model());
    o.put("reasoning", r.reasoning());
    o.put("refusal", r.refusal());
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new MemdirException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
    }
    AtomicFiles.write(file, o.toString() + "\n");
  }

  private static ChatResponse read(Path file) {
    JsonNode o;
    try {
      o = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new MemdirException(
          file + ": a damaged cached reply (" + e.getMessage() + "); delete the file", e);
    }
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode c : o.path("tool_calls")) {
      calls.add(
          ToolCall.of(
              c.path("id").asText(), c.path("name").asText(), c.path("arguments").asText()));
    }
    StopReason stop;
    try {
      stop = StopReason.valueOf(o.path("stop_reason").asText().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MemdirException(
          file + ": unknown stop_reason \"" + o.path("stop_reason").asText() + "\"", e);
    }
    JsonNode u = o.path("usage");
    return new ChatResponse(
        o.path("text").asText(),
        calls,
        stop,
        new Usage(
            u.path("input").asLong(),
            u.path("output").asLong(),
            u.path("cached_input").asLong(),
            u.path("cache_write").asLong()),
        o.path("model").asText(),
        o.path("reasoning").asText(),
        o.path("refusal").asText());
  }
}
