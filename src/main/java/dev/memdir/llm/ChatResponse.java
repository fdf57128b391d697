package dev.memdir.llm;

import dev.memdir.LlmException;
import java.util.List;
import java.util.Objects;

/**
 * A model's reply.
 *
 * @param text the reply's text, empty when it only called tools
 * @param toolCalls the tools it called, in order
 * @param stopReason why it stopped; {@link StopReason#MAX_TOKENS} means the reply is incomplete
 * @param usage the tokens used
 * @param model the model that answered, as the server named it
 */
public record ChatResponse(
    String text, List<ToolCall> toolCalls, StopReason stopReason, Usage usage, String model) {

  /** Validates and copies the fields. */
  public ChatResponse {
    Objects.requireNonNull(text, "text");
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(stopReason, "stopReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(model, "model");
  }

  /** Whether the model was cut off at the max-tokens limit. */
  public boolean truncated() {
    return stopReason == StopReason.MAX_TOKENS;
  }

  /** This reply as a message to put back into the conversation. */
  public AssistantMessage toMessage() {
    return new AssistantMessage(text, toolCalls);
  }

  /**
   * This reply, when it is complete.
   *
   * @throws LlmException of kind {@code MAX_TOKENS} when the model was cut off
   */
  public ChatResponse requireComplete() {
    if (truncated()) {
      throw new LlmException(
          LlmException.Kind.MAX_TOKENS,
          0,
          model
              + ": the reply was cut off at the max-tokens limit after "
              + usage.outputTokens()
              + " tokens: raise the limit or ask for a shorter answer");
    }
    return this;
  }
}
