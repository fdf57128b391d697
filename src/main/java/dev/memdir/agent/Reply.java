package dev.memdir.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.llm.Usage;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one turn.
 *
 * @param text what the agent said to the user: its plain reply, or the message of {@code
 *     send_message}; may be empty (for example when the turn ran out of steps)
 * @param ending how the turn ended
 * @param steps every step, in order
 * @param usage the tokens of all the turn's model calls, as the server reported them
 */
public record Reply(String text, Ending ending, List<Step> steps, Usage usage) {
  /** How a turn ended. */
  public enum Ending {
    /** The model answered in plain text. */
    REPLY,
    /** The model called a tool that ends the turn ({@code send_message} or an exit_loop tool). */
    TOOL,
    /** The turn reached {@code max_steps} without an answer. */
    MAX_STEPS;

    /** The ending as written in JSON: lower case with underscores. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Validates and copies. */
  public Reply {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(ending, "ending");
    steps = List.copyOf(steps);
    Objects.requireNonNull(usage, "usage");
  }

  /** The whole trace as JSON: the reply, then each step with its tool calls and timings. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("reply", text);
    o.put("ending", ending.word());
    usage(o.putObject("usage"), usage);
    ArrayNode arr = o.putArray("steps");
    for (Step s : steps) {
      ObjectNode so = arr.addObject();
      so.put("step", s.number());
      so.put("text", s.text());
      so.put("stop_reason", s.stopReason());
      so.put("context_tokens", s.contextTokens());
      if (s.summaries() > 0) {
        so.put("summaries", s.summaries());
      }
      ArrayNode calls = so.putArray("tool_calls");
      for (ToolRun r : s.toolRuns()) {
        calls
            .addObject()
            .put("id", r.id())
            .put("name", r.name())
            .put("arguments", r.arguments())
            .put("result", r.result())
            .put("error", r.error());
      }
      usage(so.putObject("usage"), s.usage());
      if (!s.reasoning().isEmpty()) {
        so.put("reasoning", s.reasoning());
      }
      if (!s.refusal().isEmpty()) {
        so.put("refusal", s.refusal());
      }
      Timings t = s.timings();
      so.putObject("ms")
          .put("assemble", ms(t.assembleNanos()))
          .put("model", ms(t.modelNanos()))
          .put("tools", ms(t.toolNanos()))
          .put("append", ms(t.appendNanos()));
    }
    return o;
  }

  private static void usage(ObjectNode o, Usage u) {
    o.put("input_tokens", u.inputTokens())
        .put("output_tokens", u.outputTokens())
        .put("cached_input_tokens", u.cachedInputTokens())
        .put("cache_write_tokens", u.cacheWriteTokens());
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}
