package dev.memdir.llm;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One request to a model.
 *
 * @param messages the conversation, oldest first; at least one message
 * @param tools the tools the model may call; may be empty
 * @param maxTokens the most tokens the reply may have
 * @param toolChoice whether the model may, must or must not call a tool; ignored without tools
 * @param temperature sampling temperature, or empty for the server's default
 */
public record ChatRequest(
    List<Message> messages,
    List<ToolSpec> tools,
    int maxTokens,
    ToolChoice toolChoice,
    Optional<Double> temperature) {

  /** The max-tokens a request gets from {@link #of}. */
  public static final int DEFAULT_MAX_TOKENS = 4096;

  /** Validates and copies the fields. */
  public ChatRequest {
    messages = List.copyOf(messages);
    tools = List.copyOf(tools);
    Objects.requireNonNull(toolChoice, "toolChoice");
    Objects.requireNonNull(temperature, "temperature");
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a request needs at least one message");
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
    }
    if (temperature.isPresent() && !(temperature.get() >= 0 && temperature.get() <= 2)) {
      throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature.get());
    }
    long distinct = tools.stream().map(ToolSpec::name).distinct().count();
    if (distinct != tools.size()) {
      throw new IllegalArgumentException("tool names must be unique");
    }
  }

  /** A request with default limits. */
  public static ChatRequest of(List<Message> messages, List<ToolSpec> tools) {
    return new ChatRequest(messages, tools, DEFAULT_MAX_TOKENS, ToolChoice.AUTO, Optional.empty());
  }

  /** This request with another max-tokens limit. */
  public ChatRequest withMaxTokens(int newMaxTokens) {
    return new ChatRequest(messages, tools, newMaxTokens, toolChoice, temperature);
  }

  /** This request with another tool choice. */
  public ChatRequest withToolChoice(ToolChoice newChoice) {
    return new ChatRequest(messages, tools, maxTokens, newChoice, temperature);
  }

  /** This request with a sampling temperature. */
  public ChatRequest withTemperature(double newTemperature) {
    return new ChatRequest(messages, tools, maxTokens, toolChoice, Optional.of(newTemperature));
  }
}
