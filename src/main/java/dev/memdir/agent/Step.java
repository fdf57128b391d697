package dev.memdir.agent;

import dev.memdir.llm.Usage;
import java.util.List;
import java.util.Objects;

/**
 * One model call of a turn and what followed from it.
 *
 * @param number 1 for the first step of the turn
 * @param text the model's text (may be empty when it only called tools)
 * @param toolRuns the tools it called, in order, with their results
 * @param stopReason why the model stopped, as {@code StopReason.word()} says it
 * @param usage the tokens the server reported for this call
 * @param contextTokens the tokens of the request, as counted here
 * @param summaries how many summaries were made before this call to make room
 * @param timings where the step's time went
 * @param reasoning the model's reasoning or thinking text, when the server returned it; kept in the
 *     trace only, never sent back to the model
 * @param refusal why the model refused, when it did and said why
 */
public record Step(
    int number,
    String text,
    List<ToolRun> toolRuns,
    String stopReason,
    Usage usage,
    long contextTokens,
    int summaries,
    Timings timings,
    String reasoning,
    String refusal) {

  /** Validates and copies. */
  public Step {
    Objects.requireNonNull(text, "text");
    toolRuns = List.copyOf(toolRuns);
    Objects.requireNonNull(stopReason, "stopReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(timings, "timings");
    Objects.requireNonNull(reasoning, "reasoning");
    Objects.requireNonNull(refusal, "refusal");
  }
}
