package dev.memdir.llm;

import dev.memdir.LlmException;

/** Opens the client for a {@link ModelConfig}. */
public final class ChatModels {
  private ChatModels() {}

  /**
   * The client for {@code config}'s provider.
   *
   * @throws LlmException of kind {@code CONFIG} when a key the provider needs is missing
   */
  public static ChatModel open(ModelConfig config) {
    config
        .problem()
        .ifPresent(
            p -> {
              throw new LlmException(LlmException.Kind.CONFIG, 0, config.label() + ": " + p);
            });
    return config.provider() == Provider.ANTHROPIC
        ? new AnthropicChatModel(config)
        : new OpenAiChatModel(config);
  }
}
