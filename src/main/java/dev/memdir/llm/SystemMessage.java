package dev.memdir.llm;

import java.util.Objects;

/**
 * Instructions for the model. Anthropic takes them as the top-level {@code system} field; several
 * system messages are joined with blank lines.
 *
 * @param text the instructions
 */
public record SystemMessage(String text) implements Message {
  /** Validates the text. */
  public SystemMessage {
    Objects.requireNonNull(text, "text");
  }
}
