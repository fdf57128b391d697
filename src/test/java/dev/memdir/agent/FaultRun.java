package dev.memdir.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.Agent;
import dev.memdir.LlmException;
import dev.memdir.MemdirException;
import dev.memdir.TestAgents;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatModels;
import dev.memdir.llm.ModelConfig;
import dev.memdir.llm.RetryPolicy;
import dev.memdir.llm.scripted.AnthropicReplies;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A seeded run of turns against the scripted server on 127.0.0.1 through the real OpenAI and
 * Anthropic clients (each turn picks one, and chat or streaming), where about a quarter of the
 * model requests meet a fault: 429, 500, 529, a slow reply, a reply slower than the timeout, a cut
 * body or stream, invalid JSON, a dropped connection, or tool arguments that are not JSON. Retries
 * use the default policy without sleeping. Afterwards the history and every request are checked; an
 * inconsistency is any of {@link HistoryConsistency}'s, and also:
 *
 * <ul>
 *   <li>a turn that threw anything but a {@link MemdirException} (not a clean failure);
 *   <li>error records that do not match the failed turns one for one;
 *   <li>a request the scripted server refused as the real API would (tool results without calls,
 *       calls without results, bad roles);
 *   <li>a request that carries the message of an earlier turn no model answered.
 * </ul>
 */
public final class FaultRun {
  /** The figures of a run. */
  public record Result(
      long seed,
      int turns,
      int completed,
      int failedCleanly,
      Map<String, Integer> failures,
      Map<String, Integer> faults,
      int requests,
      List<String> inconsistencies,
      long millis) {}

  private static final Pattern TURN = Pattern.compile("turn (\\d+):");

  /**
   * A user message of a turn: a whole message, or a line of a summary prompt ({@code [2026-12-04
   * 02:36] user: turn 3: ...}); not a tool result quoting one (conversation_search finds every
   * message, and writes {@code [2026-12-04T02:36:36.803Z] user: ...}).
   */
  private static final Pattern SENT_TURN =
      Pattern.compile(
          "(?:\\A|^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\] user: )turn (\\d+):",
          Pattern.MULTILINE);

  private static final String[] WORDS = {
    "tea", "cat", "thesis", "Lisbon", "violin", "deadline", "garden", "ramen", "chess", "ferry"
  };

  private final Random random;
  private final Duration timeout;
  private final Map<String, Integer> faults = new TreeMap<>();
  private int callIds;

  private FaultRun(long seed, Duration timeout) {
    this.random = new Random(seed);
    this.timeout = timeout;
  }

  /**
   * Runs {@code turns} turns of a new agent in {@code dir}.
   *
   * @param timeout the clients' reply timeout; one fault in a hundred is a reply slower than it
   */
  public static Result run(Path dir, long seed, int turns, Duration timeout) {
    return new FaultRun(seed, timeout).go(dir, seed, turns);
  }

  private Result go(Path dir, long seed, int turns) {
    long start = System.nanoTime();
    TestAgents.create(dir).close();
    List<String> bad = new ArrayList<>();
    Map<String, Integer> failures = new TreeMap<>();
    int completed = 0;
    int failed = 0;
    int requests = 0;
    List<int[]> carried = new ArrayList<>(); // {turn of the request, turn named in it}
    List<String> carriedText = new ArrayList<>();
    try (ScriptedServer server = ScriptedServer.start();
        Agent agent = Agent.open(dir)) {
      RetryPolicy retry = RetryPolicy.DEFAULT.withSleeper(d -> {});
      ChatModel openAi =
          ChatModels.open(
              ModelConfig.resolve(
                      "openai/gpt-4o-mini", Optional.of(server.openAiBaseUrl()), Map.of())
                  .withRetry(retry)
                  .withTimeouts(Duration.ofSeconds(5), timeout));
      ChatModel anthropic =
          ChatModels.open(
              ModelConfig.resolve(
                      "anthropic/claude-sonnet-4-5",
                      Optional.of(server.url()),
                      Map.of("ANTHROPIC_API_KEY", "sk-ant-test-0123456789"))
                  .withRetry(retry)
                  .withTimeouts(Duration.ofSeconds(5), timeout));
      TurnListener streaming = new TurnListener() {};
      for (int t = 1; t <= turns; t++) {
        while (server.pendingReplies() < 64) {
          server.enqueue(ScriptedReply.computed(this::reply));
        }
        boolean useAnthropic;
        boolean stream;
        String message;
        synchronized (random) {
          useAnthropic = random.nextBoolean();
          stream = random.nextBoolean();
          message = "turn " + t + ": tell me about " + WORDS[random.nextInt(WORDS.length)] + ".";
        }
        try {
          agent.send(
              message, useAnthropic ? anthropic : openAi, stream ? streaming : TurnListener.NONE);
          completed++;
        } catch (LlmException e) {
          failed++;
          failures.merge(e.kind().word(), 1, Integer::sum);
        } catch (MemdirException e) {
          failed++;
          failures.merge("memdir", 1, Integer::sum);
        } catch (RuntimeException e) {
          bad.add("turn " + t + ": not a clean failure: " + e);
        }
        for (Optional<RecordedRequest> r = server.takeRequest(Duration.ZERO);
            r.isPresent();
            r = server.takeRequest(Duration.ZERO)) {
          requests++;
          if (r.get().rejection().isPresent()) {
            bad.add("turn " + t + ": request refused: " + r.get().rejection().get());
          }
          for (String text : userTexts(r.get().json())) {
            Matcher m = SENT_TURN.matcher(text);
            while (m.find()) {
              carried.add(new int[] {t, Integer.parseInt(m.group(1))});
              carriedText.add(text.length() > 160 ? text.substring(0, 160) + "..." : text);
            }
          }
        }
      }
    }
    bad.addAll(HistoryConsistency.problems(dir));
    List<JsonNode> errors = HistoryConsistency.errorRecords(dir);
    if (errors.size() != failed) {
      bad.add(errors.size() + " error records for " + failed + " failed turns");
    }
    Set<Integer> unanswered = unansweredTurns(dir, errors);
    for (int i = 0; i < carried.size(); i++) {
      int[] c = carried.get(i);
      if (c[0] != c[1] && unanswered.contains(c[1])) {
        bad.add(
            "turn "
                + c[0]
                + ": a request resent the message of failed turn "
                + c[1]
                + ", in: "
                + carriedText.get(i).replace('\n', ' '));
      }
    }
    return new Result(
        seed,
        turns,
        completed,
        failed,
        failures,
        faults,
        requests,
        bad,
        (System.nanoTime() - start) / 1_000_000);
  }

  /** The turns whose error record names their message as answered by no model. */
  private static Set<Integer> unansweredTurns(Path dir, List<JsonNode> errors) {
    Set<String> ids = new HashSet<>();
    errors.forEach(e -> ids.add(e.path("unanswered").asText("")));
    Set<Integer> out = new HashSet<>();
    try (Agent a = Agent.open(dir);
        var s = a.history().stream()) {
      s.filter(r -> ids.contains(r.id()))
          .forEach(
              r -> {
                Matcher m = TURN.matcher(r.content());
                if (m.find()) {
                  out.add(Integer.parseInt(m.group(1)));
                }
              });
    }
    return out;
  }

  /** The text of every user message of a request, in either API's shape. */
  private static List<String> userTexts(JsonNode body) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : body.path("messages")) {
      if (!m.path("role").asText().equals("user")) {
        continue;
      }
      JsonNode content = m.path("content");
      if (content.isTextual()) {
        out.add(content.asText());
      }
      for (JsonNode block : content) {
        if (block.path("type").asText().equals("text")) {
          out.add(block.path("text").asText());
        }
      }
    }
    return out;
  }

  /** The reply to one request: usually a normal one, sometimes a fault. */
  private ScriptedReply reply(RecordedRequest request) {
    synchronized (random) {
      boolean anthropic = request.path().startsWith("/v1/messages");
      JsonNode body = request.json();
      boolean stream = body.path("stream").asBoolean(false);
      boolean tools = body.path("tools").size() > 0;
      int roll = random.nextInt(100);
      if (roll < 4) {
        return fault(
            "429",
            anthropic
                ? AnthropicReplies.error(429, "rate_limit_error", "Number of requests exceeded")
                    .withHeader("Retry-After", "1")
                : OpenAiReplies.rateLimited(1));
      }
      if (roll < 8) {
        return fault(
            "500",
            anthropic
                ? AnthropicReplies.error(500, "api_error", "Internal server error")
                : OpenAiReplies.serverError());
      }
      if (roll < 11) {
        return fault(
            "529",
            anthropic
                ? AnthropicReplies.overloaded()
                : OpenAiReplies.error(529, "The engine is overloaded.", "server_error", null));
      }
      if (roll < 14) {
        return fault("slow", normal(anthropic, stream, tools))
            .withDelay(Duration.ofMillis(50 + random.nextInt(200)));
      }
      if (roll < 15) {
        return fault("slower than the timeout", normal(anthropic, stream, tools))
            .withDelay(timeout.plusMillis(300));
      }
      if (roll < 18) {
        return stream
            ? fault("cut stream", normal(anthropic, true, tools))
                .droppedAfter(1 + random.nextInt(3))
            : fault("cut body", normal(anthropic, false, tools))
                .truncatedAfter(1 + random.nextInt(60));
      }
      if (roll < 20) {
        return fault(
            "invalid JSON",
            stream
                ? ScriptedReply.events(List.of("data: {\"choices\": [{\"delta\": {\"content\""))
                : ScriptedReply.json(200, "{\"id\": \"x\", \"choices\": [{\"message\": "));
      }
      if (roll < 21) {
        return fault("dropped connection", ScriptedReply.disconnect());
      }
      if (roll < 24 && tools) {
        // Anthropic sends whole input objects, so there the arguments are JSON of the wrong shape.
        ScriptedToolCall broken =
            new ScriptedToolCall(
                nextId(),
                "conversation_search",
                anthropic && !stream ? "{\"querry\": 7}" : "{\"query\": \"tea");
        faults.merge("invalid tool arguments", 1, Integer::sum);
        return toolCalls(anthropic, stream, broken);
      }
      return normal(anthropic, stream, tools);
    }
  }

  private ScriptedReply fault(String what, ScriptedReply reply) {
    faults.merge(what, 1, Integer::sum);
    return reply;
  }

  private String nextId() {
    return (++callIds % 2 == 0 ? "call_" : "toolu_") + callIds;
  }

  private ScriptedReply normal(boolean anthropic, boolean stream, boolean tools) {
    String word = WORDS[random.nextInt(WORDS.length)];
    if (tools && random.nextInt(100) < 35) {
      ScriptedToolCall call =
          switch (random.nextInt(3)) {
            case 0 ->
                new ScriptedToolCall(
                    nextId(), "conversation_search", "{\"query\": \"" + word + "\"}");
            case 1 ->
                new ScriptedToolCall(
                    nextId(), "archival_memory_search", "{\"query\": \"" + word + "\"}");
            default ->
                new ScriptedToolCall(
                    nextId(),
                    "memory_insert",
                    "{\"label\": \"human\", \"new_str\": \"" + word + "\"}");
          };
      return toolCalls(anthropic, stream, call);
    }
    String text = "About " + word + ": noted.";
    if (anthropic) {
      return stream
          ? AnthropicReplies.streamText("About ", word, ": noted.")
          : AnthropicReplies.text(text);
    }
    return stream ? OpenAiReplies.streamText("About ", word, ": noted.") : OpenAiReplies.text(text);
  }

  private static ScriptedReply toolCalls(boolean anthropic, boolean stream, ScriptedToolCall c) {
    if (anthropic) {
      return stream ? AnthropicReplies.streamToolUse("", c) : AnthropicReplies.toolUse("", c);
    }
    return stream ? OpenAiReplies.streamToolCalls(c) : OpenAiReplies.toolCalls(c);
  }
}
