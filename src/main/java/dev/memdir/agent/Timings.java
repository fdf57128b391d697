package dev.memdir.agent;

/**
 * Where the time of one step went.
 *
 * @param assembleNanos assembling the context (reading memory, counting tokens), summaries' own
 *     work included but not their model calls; for a turn's first step also the turn's start
 *     (checking the window is current, appending the user's message)
 * @param modelNanos waiting for the model: the step's call and any summary calls
 * @param toolNanos running the tools
 * @param appendNanos appending the step's records to the history
 */
public record Timings(long assembleNanos, long modelNanos, long toolNanos, long appendNanos) {
  /** Everything but the model: what memdir itself costs per step. */
  public long overheadNanos() {
    return assembleNanos + toolNanos + appendNanos;
  }
}
