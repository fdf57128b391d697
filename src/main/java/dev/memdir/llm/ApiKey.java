package dev.memdir.llm;

import java.util.Objects;

/**
 * An API key that does not show itself: {@code toString} prints where it came from, never its
 * value, and only this package can read it.
 */
public final class ApiKey {
  private final String value;
  private final String source;

  private ApiKey(String value, String source) {
    this.value = value;
    this.source = source;
  }

  /**
   * Wraps a key.
   *
   * @param value the key
   * @param source where it came from, for messages, such as {@code OPENAI_API_KEY}
   */
  public static ApiKey of(String value, String source) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(source, "source");
    if (value.isBlank()) {
      throw new IllegalArgumentException("an API key must not be blank");
    }
    return new ApiKey(value.strip(), source);
  }

  /** Where the key came from, such as {@code OPENAI_API_KEY}. */
  public String source() {
    return source;
  }

  String reveal() {
    return value;
  }

  /** {@code text} with every occurrence of this key replaced by {@code ***}. */
  String mask(String text) {
    return text.replace(value, "***");
  }

  @Override
  public String toString() {
    return source + "=***";
  }
}
