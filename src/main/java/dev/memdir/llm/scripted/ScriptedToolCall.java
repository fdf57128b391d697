package dev.memdir.llm.scripted;

import java.util.Objects;

/**
 * A tool call in a scripted reply.
 *
 * @param id the call's id, such as {@code call_1} or {@code toolu_1}
 * @param name the tool's name
 * @param arguments the arguments as JSON text, sent as is, so a test can script malformed ones
 */
public record ScriptedToolCall(String id, String name, String arguments) {
  /** Validates the fields. */
  public ScriptedToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}
