package dev.memdir.agent;

/**
 * Hears what happens during a turn, on the calling thread, as it happens: the reply's text as it
 * streams, each tool call and its result, each summary made. The methods do nothing by default. A
 * listener other than {@link #NONE} makes the turn stream the model's replies.
 */
public interface TurnListener {
  /** Hears nothing; the turn does not stream. */
  TurnListener NONE = new TurnListener() {};

  /** A piece of the model's text. */
  default void onText(String delta) {}

  /** The model called a tool; it runs next. */
  default void onToolCall(String name, String arguments) {}

  /** A tool call finished. */
  default void onToolResult(String name, String result, boolean error) {}

  /** The oldest {@code messages} were summarised to make room. */
  default void onSummary(int messages, long tokensBefore, long tokensAfter) {}
}
