package dev.memdir.llm;

import java.util.Objects;

/**
 * What the person said.
 *
 * @param text the message
 */
public record UserMessage(String text) implements Message {
  /** Validates the text. */
  public UserMessage {
    Objects.requireNonNull(text, "text");
  }
}
