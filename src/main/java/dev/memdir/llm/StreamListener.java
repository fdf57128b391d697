package dev.memdir.llm;

/**
 * Receives the fragments of a streamed reply as they arrive, on the calling thread. The methods do
 * nothing by default.
 */
public interface StreamListener {
  /** A listener that ignores everything. */
  StreamListener NONE = new StreamListener() {};

  /** A piece of the reply's text. */
  default void onText(String delta) {}

  /**
   * A tool call begins.
   *
   * @param index its position among this reply's tool calls, from 0
   * @param id the call's id
   * @param name the tool's name
   */
  default void onToolCallStart(int index, String id, String name) {}

  /** A piece of the JSON arguments of the tool call at {@code index}. */
  default void onToolCallArguments(int index, String delta) {}
}
