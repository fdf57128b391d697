package dev.memdir.llm;

import dev.memdir.LlmException;
import java.util.List;
import java.util.Objects;

/**
 * A model's reply.
 *
 * @param text the reply's text, empty when it only called tools
 * @param toolCalls the tools it called, in order
 * @param stopReason why it stopped; {@link StopReason#MAX_TOKENS} means the reply is incomplete,
 *     {@link StopReason#REFUSAL} that the model refused
 * @param usage the tokens used
 * @param model the model that answered, as the server named it
 * @param reasoning the model's reasoning or thinking text, when the server returns it (OpenAI-style
 *     {@code reasoning} / {@code reasoning_content}, Mistral thinking parts, Anthropic thinking
 *     blocks); for the step trace only, never sent back
 * @param refusal why the model refused, in its or the provider's words; empty when it did not, or
 *     when the provider gave no reason
 */
public record ChatResponse(
    String text,
    List<ToolCall> toolCalls,
    StopReason stopReason,
    Usage usage,
    String model,
    String reasoning,
    String refusal) {

  /** Validates and copies the fields. */
  public ChatResponse {
    Objects.requireNonNull(text, "text");
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(stopReason, "stopReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(reasoning, "reasoning");
    Objects.requireNonNull(refusal, "refusal");
  }

  /** A reply without reasoning or refusal. */
  public ChatResponse(
      String text, List<ToolCall> toolCalls, StopReason stopReason, Usage usage, String model) {
    this(text, toolCalls, stopReason, usage, model, "", "");
  }

  /** Whether the model was cut off at the max-tokens limit. */
  public boolean truncated() {
    return stopReason == StopReason.MAX_TOKENS;
  }

  /** This reply as a message to put back into the conversation (reasoning left out). */
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
