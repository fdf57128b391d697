package dev.memdir.agent;

import java.util.Objects;

/**
 * One tool call of a step and what it gave back.
 *
 * @param id the call's id
 * @param name the tool
 * @param arguments the arguments as the model wrote them
 * @param result what the model got back
 * @param error whether the call failed (the model read {@code Error: ...})
 */
public record ToolRun(String id, String name, String arguments, String result, boolean error) {
  /** Validates the fields. */
  public ToolRun {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
    Objects.requireNonNull(result, "result");
  }
}
