package dev.memdir.llm;

import java.util.Objects;

/**
 * The result of one tool call, sent back to the model.
 *
 * @param toolCallId the {@link ToolCall#id()} this answers
 * @param toolName the tool's name
 * @param content what the tool returned, or the error text
 * @param isError whether the tool failed
 */
public record ToolResultMessage(String toolCallId, String toolName, String content, boolean isError)
    implements Message {
  /** Validates the fields. */
  public ToolResultMessage {
    Objects.requireNonNull(toolCallId, "toolCallId");
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(content, "content");
    if (toolCallId.isEmpty()) {
      throw new IllegalArgumentException("toolCallId must not be empty");
    }
  }
}
