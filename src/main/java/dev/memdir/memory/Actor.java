package dev.memdir.memory;

/** Who makes an edit: the agent obeys {@code read_only}; a person at the command line may not. */
public enum Actor {
  /** The model, through its tools. */
  AGENT,
  /** A person, through the command line or the Java API. */
  PERSON
}
