package dev.memdir.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatModels;
import dev.memdir.llm.ModelConfig;
import dev.memdir.llm.RetryPolicy;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Real model clients pointed at a scripted server, and readers of the requests it recorded. */
public final class Scripted {
  private Scripted() {}

  /** The OpenAI-compatible client at {@code server}, without retries. */
  public static ChatModel openAi(ScriptedServer server) {
    return ChatModels.open(
        ModelConfig.resolve("openai/gpt-4o-mini", Optional.of(server.openAiBaseUrl()), Map.of())
            .withRetry(RetryPolicy.NONE)
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20)));
  }

  /** The Anthropic client at {@code server}, without retries. */
  public static ChatModel anthropic(ScriptedServer server) {
    return ChatModels.open(
        ModelConfig.resolve(
                "anthropic/claude-sonnet-4-5",
                Optional.of(server.url()),
                Map.of("ANTHROPIC_API_KEY", "sk-ant-test-0123456789"))
            .withRetry(RetryPolicy.NONE)
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20)));
  }

  /** A tool call with arguments given as JSON text. */
  public static ScriptedToolCall call(String id, String name, String json) {
    return new ScriptedToolCall(id, name, json);
  }

  /** The system message of an OpenAI request. */
  public static String system(RecordedRequest r) {
    JsonNode first = r.json().path("messages").path(0);
    return first.path("role").asText().equals("system") ? first.path("content").asText() : "";
  }

  /** The messages of an OpenAI request after the system message, as {@code role: content}. */
  public static List<String> conversation(RecordedRequest r) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : r.json().path("messages")) {
      String role = m.path("role").asText();
      if (role.equals("system") && out.isEmpty()) {
        continue;
      }
      JsonNode content = m.path("content");
      StringBuilder sb =
          new StringBuilder(role).append(": ").append(content.isTextual() ? content.asText() : "");
      for (JsonNode c : m.path("tool_calls")) {
        sb.append(" -> ")
            .append(c.path("function").path("name").asText())
            .append(' ')
            .append(c.path("function").path("arguments").asText());
      }
      out.add(sb.toString());
    }
    return out;
  }

  /** The names of the tools offered in an OpenAI request. */
  public static List<String> tools(RecordedRequest r) {
    List<String> out = new ArrayList<>();
    for (JsonNode t : r.json().path("tools")) {
      out.add(t.path("function").path("name").asText());
    }
    return out;
  }
}
