package dev.memdir.agent;

import java.util.Objects;

/**
 * One part of the context window, with its size.
 *
 * @param name what it is: {@code system prompt}, {@code core memory}, {@code metadata}, {@code file
 *     windows}, {@code tool rules}, {@code tools}, {@code summary} or {@code messages}
 * @param text the text as the model gets it (the tool schemas as JSON; messages as a transcript)
 * @param tokens its tokens, counted with {@code cl100k_base}
 */
public record Section(String name, String text, int tokens) {
  /** Validates the fields. */
  public Section {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text");
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
    }
  }
}
