package dev.memdir;

import dev.memdir.format.AgentConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Agent#init} writes into a new agent.
 *
 * @param name the agent's name; empty for the folder's name
 * @param persona the persona block's text; empty for a default
 * @param human the human block's text; empty for a default
 * @param model {@code provider/name}
 */
public record InitOptions(
    Optional<String> name, Optional<String> persona, Optional<String> human, String model) {
  /** Validates. */
  public InitOptions {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(persona, "persona");
    Objects.requireNonNull(human, "human");
    Objects.requireNonNull(model, "model");
  }

  /** The defaults: folder name, default persona and human, {@value AgentConfig#DEFAULT_MODEL}. */
  public static InitOptions defaults() {
    return new InitOptions(
        Optional.empty(), Optional.empty(), Optional.empty(), AgentConfig.DEFAULT_MODEL);
  }
}
