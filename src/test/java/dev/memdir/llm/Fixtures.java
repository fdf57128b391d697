package dev.memdir.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.llm.scripted.ScriptedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the client tests share: configurations pointed at a scripted server, a fake key. */
final class Fixtures {
  /** A fake key; no test ever reads a real one. */
  static final String KEY = "sk-test-0123456789abcdef";

  private Fixtures() {}

  /** Records the waits a retry would have slept instead of sleeping. */
  static final class Sleeps {
    final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    RetryPolicy policy() {
      return RetryPolicy.DEFAULT.withSleeper(waits::add).withRandom(() -> 0.5);
    }
  }

  static ModelConfig openAi(ScriptedServer server, RetryPolicy retry) {
    return ModelConfig.resolve(
            "openai/gpt-4o-mini",
            Optional.of(server.openAiBaseUrl()),
            Map.of("OPENAI_API_KEY", KEY))
        .withRetry(retry)
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  static ModelConfig anthropic(ScriptedServer server, RetryPolicy retry) {
    return ModelConfig.resolve(
            "anthropic/claude-sonnet-4-5",
            Optional.of(server.url()),
            Map.of("ANTHROPIC_API_KEY", KEY))
        .withRetry(retry)
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  static ToolSpec weatherTool() {
    ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object");
    schema.putObject("properties").putObject("city").put("type", "string");
    schema.putArray("required").add("city");
    return new ToolSpec("get_weather", "The weather in a city.", schema);
  }

  /** Collects what a stream delivers. */
  static final class Collector implements StreamListener {
    final StringBuilder text = new StringBuilder();
    final List<String> texts = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    @Override
    public void onText(String delta) {
      text.append(delta);
      texts.add(delta);
    }

    @Override
    public void onToolCallStart(int index, String id, String name) {
      events.add("start " + index + " " + id + " " + name);
    }

    @Override
    public void onToolCallArguments(int index, String delta) {
      events.add("args " + index + " " + delta);
    }
  }
}
