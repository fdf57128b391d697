package dev.memdir.history;

import java.util.Locale;
import java.util.Optional;

/** The roles a history record may have; others are kept, with a warning from validate. */
public enum Role {
  /** A system message. */
  SYSTEM,
  /** What the person said. */
  USER,
  /** What the model said, possibly with {@code tool_calls}. */
  ASSISTANT,
  /** A tool's result, answering a {@code tool_call_id}. */
  TOOL,
  /** A summary of older records, naming them with {@code covers}. */
  SUMMARY,
  /** Something that happened (a memory edit, a heartbeat), not said by anyone. */
  EVENT;

  /** The word written in the {@code role} field. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role a word names, if it is a known one. */
  public static Optional<Role> of(String word) {
    for (Role r : values()) {
      if (r.word().equals(word)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The known role words, comma-separated, for messages. */
  public static String known() {
    StringBuilder sb = new StringBuilder();
    for (Role r : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(r.word());
    }
    return sb.toString();
  }
}
