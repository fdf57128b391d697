package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatModels;
import dev.memdir.llm.ModelConfig;
import dev.memdir.llm.RetryPolicy;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted agent that really uses the tools: it searches for the question's words, opens a window
 * on the first hit, then answers with the text of the window's line that shares most words with the
 * question, copied from what the tool showed it. Without tools it answers a context-mode prompt
 * with the first sentence of its reply script.
 */
final class ScriptedAnswerer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern QUESTION =
      Pattern.compile("Question: (.*?) Short answer:", Pattern.DOTALL);
  private static final Pattern HIT = Pattern.compile("(session-[^\\s:]+\\.md):(\\d+)(?:-(\\d+))?");
  private static final Pattern WINDOW_LINE =
      Pattern.compile("^\\s*\\d+: ([^:\\n]+): (.*)$", Pattern.MULTILINE);

  private ScriptedAnswerer() {}

  /** The OpenAI client at {@code server}, without retries. */
  static ChatModel model(ScriptedServer server) {
    return ChatModels.open(
        ModelConfig.resolve("openai/gpt-4o-mini", Optional.of(server.openAiBaseUrl()), Map.of())
            .withRetry(RetryPolicy.NONE)
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20)));
  }

  /** Enqueues {@code n} replies of the scripted agent. */
  static void enqueue(ScriptedServer server, int n) {
    for (int i = 0; i < n; i++) {
      server.enqueue(ScriptedReply.computed(ScriptedAnswerer::reply));
    }
  }

  static String question(RecordedRequest r) {
    for (JsonNode m : r.json().path("messages")) {
      if (m.path("role").asText().equals("user")) {
        Matcher q = QUESTION.matcher(m.path("content").asText());
        if (q.find()) {
          return q.group(1);
        }
      }
    }
    throw new AssertionError("no question in " + r.bodyText());
  }

  static ScriptedReply reply(RecordedRequest r) {
    JsonNode messages = r.json().path("messages");
    String question = question(r);
    if (r.json().path("tools").isEmpty()) {
      return OpenAiReplies.text(bestLine(userText(r), question).orElse("Not mentioned"), 900, 5);
    }
    JsonNode last = messages.get(messages.size() - 1);
    if (last.path("role").asText().equals("user")) {
      ObjectNode a = JSON.createObjectNode().put("query", question);
      return OpenAiReplies.toolCalls(new ScriptedToolCall("c1", "search_files", a.toString()));
    }
    String name = toolName(messages, last.path("tool_call_id").asText());
    if (name.equals("search_files")) {
      Matcher m = HIT.matcher(last.path("content").asText());
      if (!m.find()) {
        return send("Not mentioned in the conversation");
      }
      int start = Integer.parseInt(m.group(2));
      int end = m.group(3) == null ? start : Integer.parseInt(m.group(3));
      ObjectNode a = JSON.createObjectNode();
      a.putArray("file_requests")
          .addObject()
          .put("file_name", m.group(1))
          .put("offset", start)
          .put("length", end - start + 1);
      return OpenAiReplies.toolCalls(new ScriptedToolCall("c2", "open_files", a.toString()));
    }
    String system = messages.get(0).path("content").asText();
    int w = system.indexOf("<file_windows>");
    return send(bestLine(w < 0 ? "" : system.substring(w), question).orElse("Not mentioned"));
  }

  private static ScriptedReply send(String text) {
    ObjectNode a = JSON.createObjectNode().put("message", text);
    return OpenAiReplies.toolCalls(new ScriptedToolCall("c3", "send_message", a.toString()));
  }

  private static String userText(RecordedRequest r) {
    return r.json().path("messages").get(0).path("content").asText();
  }

  private static String toolName(JsonNode messages, String callId) {
    for (JsonNode m : messages) {
      for (JsonNode c : m.path("tool_calls")) {
        if (c.path("id").asText().equals(callId)) {
          return c.path("function").path("name").asText();
        }
      }
    }
    return "";
  }

  /** The text of the turn line in {@code text} sharing most words with {@code question}. */
  static Optional<String> bestLine(String text, String question) {
    Set<String> words = words(question);
    String best = null;
    int bestScore = 0;
    Matcher m = WINDOW_LINE.matcher(text);
    Matcher said = Pattern.compile("^[^\\n\"]+ said, \"(.*)\"$", Pattern.MULTILINE).matcher(text);
    List<String> candidates = new java.util.ArrayList<>();
    while (m.find()) {
      candidates.add(m.group(2));
    }
    while (said.find()) {
      candidates.add(said.group(1));
    }
    for (String c : candidates) {
      Set<String> w = words(c);
      w.retainAll(words);
      if (w.size() > bestScore) {
        bestScore = w.size();
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }

  private static Set<String> words(String s) {
    return new HashSet<>(Arrays.asList(s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")));
  }
}
