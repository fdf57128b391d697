package dev.memdir.format;

import java.util.Locale;

/** When history appends are forced to disk ({@code history.durability} in agent.yaml). */
public enum Durability {
  /** fsync after every append. */
  ALWAYS,
  /** fsync at the end of each agent turn (the default). */
  TURN,
  /** leave it to the operating system; for bulk imports. */
  NEVER;

  /** The word used in agent.yaml. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code always}, {@code turn} or {@code never}. */
  public static Durability parse(String word) {
    for (Durability d : values()) {
      if (d.word().equals(word)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "durability must be always, turn or never, got \"" + word + "\"");
  }
}
