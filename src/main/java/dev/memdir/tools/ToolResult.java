package dev.memdir.tools;

import java.util.Objects;

/** What a tool call gave back to the model: its output, or the reason it failed. */
public sealed interface ToolResult permits ToolResult.Success, ToolResult.Failure {
  /** The text sent to the model as the tool's result. */
  String content();

  /** Whether the call failed. */
  boolean isError();

  /** A successful result. */
  static ToolResult success(String text) {
    return new Success(text);
  }

  /** A failed call; the model reads {@code Error: <message>}. */
  static ToolResult failure(String message) {
    return new Failure(message);
  }

  /**
   * The tool ran.
   *
   * @param text its output
   */
  record Success(String text) implements ToolResult {
    /** Validates the text. */
    public Success {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public String content() {
      return text;
    }

    @Override
    public boolean isError() {
      return false;
    }
  }

  /**
   * The tool did not run, or failed, and wrote nothing.
   *
   * @param message what was wrong and what to do instead
   */
  record Failure(String message) implements ToolResult {
    /** Validates the message. */
    public Failure {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String content() {
      return "Error: " + message;
    }

    @Override
    public boolean isError() {
      return true;
    }
  }
}
