package dev.memdir.llm;

import java.util.Locale;
import java.util.Optional;

/** Where a {@code provider/name} model is served and how the client talks to it. */
public enum Provider {
  /** OpenAI, or any OpenAI-compatible server given a base URL. */
  OPENAI("https://api.openai.com/v1", Optional.of("OPENAI_API_KEY"), "OPENAI_BASE_URL"),
  /** Anthropic's Messages API. */
  ANTHROPIC("https://api.anthropic.com", Optional.of("ANTHROPIC_API_KEY"), "ANTHROPIC_BASE_URL"),
  /** A local Ollama server, through its OpenAI-compatible endpoint; no key. */
  OLLAMA("http://localhost:11434/v1", Optional.empty(), "OLLAMA_HOST");

  private final String defaultBaseUrl;
  private final Optional<String> keyVariable;
  private final String baseUrlVariable;

  Provider(String defaultBaseUrl, Optional<String> keyVariable, String baseUrlVariable) {
    this.defaultBaseUrl = defaultBaseUrl;
    this.keyVariable = keyVariable;
    this.baseUrlVariable = baseUrlVariable;
  }

  /** The provider named {@code word} in {@code provider/name}, if memdir knows it. */
  public static Optional<Provider> of(String word) {
    for (Provider p : values()) {
      if (p.word().equals(word)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The name as written in {@code agent.yaml}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The base URL used when neither settings nor environment name one. */
  public String defaultBaseUrl() {
    return defaultBaseUrl;
  }

  /** The environment variable holding the API key, when the provider uses one. */
  public Optional<String> keyVariable() {
    return keyVariable;
  }

  /** The environment variable that may name the server. */
  public String baseUrlVariable() {
    return baseUrlVariable;
  }

  /** Whether the client speaks OpenAI's chat-completions format. */
  public boolean openAiCompatible() {
    return this != ANTHROPIC;
  }
}
