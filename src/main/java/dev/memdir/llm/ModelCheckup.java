package dev.memdir.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.LlmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a model configuration end to end, for {@code memdir doctor}: the settings, whether the
 * endpoint answers and serves the model, and whether the model accepts tools. Each finding says
 * what to do when something is wrong.
 */
public final class ModelCheckup {
  /** The longest wait for each check; a doctor should answer quickly. */
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);

  private ModelCheckup() {}

  /** How a check went. */
  public enum Status {
    OK,
    WARNING,
    PROBLEM,
    SKIPPED;

    /** The status as printed: lower case. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One checked thing.
   *
   * @param status how it went
   * @param topic what was checked, such as {@code endpoint}
   * @param message what was found and, unless ok, what to do
   */
  public record Finding(Status status, String topic, String message) {
    /** Validates the fields. */
    public Finding {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Runs the model checks once each, without retries. */
  public static List<Finding> run(ModelConfig config) {
    ModelConfig quick =
        config
            .withRetry(RetryPolicy.NONE)
            .withTimeouts(config.connectTimeout(), min(config.timeout(), CHECK_TIMEOUT));
    List<Finding> out = new ArrayList<>();
    String where = config.label() + " at " + config.baseUrl() + " (" + config.keyStatus() + ")";
    Optional<String> problem = config.problem();
    if (problem.isPresent()) {
      out.add(new Finding(Status.PROBLEM, "model", where + ": " + problem.get()));
      out.add(skipped("endpoint", "no key"));
      out.add(skipped("tools", "no key"));
      return out;
    }
    out.add(new Finding(Status.OK, "model", where));
    ChatModel model = ChatModels.open(quick);
    Finding endpoint = endpoint(model);
    out.add(endpoint);
    if (endpoint.status() == Status.PROBLEM) {
      out.add(skipped("tools", "the endpoint check failed"));
      return out;
    }
    out.add(tools(model));
    return out;
  }

  private static Finding endpoint(ChatModel model) {
    ModelConfig c = model.config();
    List<String> ids;
    try {
      ids = model.models();
    } catch (LlmException e) {
      if (e.status() == 404 || e.status() == 405) {
        return new Finding(
            Status.WARNING,
            "endpoint",
            "the server has no models listing (HTTP "
                + e.status()
                + "); the tools check below"
                + " shows whether it answers");
      }
      return new Finding(Status.PROBLEM, "endpoint", e.getMessage());
    }
    if (ids.isEmpty()) {
      return new Finding(Status.OK, "endpoint", c.baseUrl() + " answers (it lists no models)");
    }
    if (ids.contains(c.model()) || ids.contains(c.model() + ":latest")) {
      return new Finding(
          Status.OK, "endpoint", c.baseUrl() + " answers and serves '" + c.model() + "'");
    }
    String todo =
        c.provider() == Provider.OLLAMA
            ? "pull it with `ollama pull " + c.model() + "` or pick one of these"
            : "pick one of these in --model or agent.yaml";
    return new Finding(
        Status.PROBLEM,
        "endpoint",
        c.baseUrl()
            + " answers but does not list '"
            + c.model()
            + "': "
            + todo
            + ": "
            + shortList(ids));
  }

  private static Finding tools(ChatModel model) {
    ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object");
    schema.putObject("properties");
    ToolSpec ping = new ToolSpec("ping", "Answers pong. Call it when asked to ping.", schema);
    ChatRequest request =
        ChatRequest.of(
                List.of(new UserMessage("Call the ping tool now, with no arguments.")),
                List.of(ping))
            .withMaxTokens(256);
    ChatResponse r;
    try {
      r = model.chat(request);
    } catch (LlmException e) {
      return new Finding(Status.PROBLEM, "tools", e.getMessage());
    }
    if (!r.toolCalls().isEmpty()) {
      return new Finding(
          Status.OK,
          "tools",
          "the model accepts tools and called one (" + r.usage().total() + " tokens)");
    }
    if (r.truncated()) {
      return new Finding(
          Status.WARNING,
          "tools",
          "the model accepts tools but its reply was cut"
              + " at "
              + request.maxTokens()
              + " tokens before it called one");
    }
    return new Finding(
        Status.WARNING,
        "tools",
        "the model accepts tools but answered in text"
            + " instead of calling one: it may not use memory tools reliably; a model trained for"
            + " tool calling works better");
  }

  private static Finding skipped(String topic, String why) {
    return new Finding(Status.SKIPPED, topic, "not checked: " + why);
  }

  private static String shortList(List<String> ids) {
    List<String> first = ids.subList(0, Math.min(10, ids.size()));
    return String.join(", ", first) + (ids.size() > 10 ? ", ... (" + ids.size() + " in all)" : "");
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
