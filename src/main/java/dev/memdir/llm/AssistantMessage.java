package dev.memdir.llm;

import java.util.List;
import java.util.Objects;

/**
 * What the model said earlier: text, tool calls, or both.
 *
 * @param text the text, empty when the model only called tools
 * @param toolCalls the tools it called, in order
 */
public record AssistantMessage(String text, List<ToolCall> toolCalls) implements Message {
  /** Validates and copies the fields. */
  public AssistantMessage {
    Objects.requireNonNull(text, "text");
    toolCalls = List.copyOf(toolCalls);
  }

  /** A plain text reply. */
  public static AssistantMessage text(String text) {
    return new AssistantMessage(text, List.of());
  }
}
