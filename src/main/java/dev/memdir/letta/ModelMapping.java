package dev.memdir.letta;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.format.AgentConfig;
import java.util.List;
import java.util.Optional;

/**
 * Letta's {@code llm_config} and memdir's {@code model}, {@code base_url} and {@code
 * context_window}: {@code model_endpoint_type} is the provider, {@code model} the name, {@code
 * model_endpoint} the server when it is not the provider's own.
 */
final class ModelMapping {
  /** What an import takes from an llm_config. */
  record Model(String model, Optional<String> baseUrl, Optional<Integer> contextWindow) {}

  static final List<String> MAPPED =
      List.of("model", "model_endpoint_type", "model_endpoint", "context_window", "handle");

  private ModelMapping() {}

  /**
   * The memdir model for a provider, model name and endpoint; a provider memdir lacks becomes an
   * OpenAI-compatible server at the endpoint, which {@code notes} says.
   */
  static Model fromLetta(
      String provider, String name, Optional<String> endpoint, List<String> notes) {
    Optional<String> base = endpoint.filter(e -> !isDefault(provider, e));
    if (provider.equals("ollama")) {
      base = base.map(b -> b.endsWith("/v1") ? b : b.replaceAll("/+$", "") + "/v1");
    }
    if (AgentConfig.PROVIDERS.contains(provider)) {
      return new Model(provider + "/" + name, base, Optional.empty());
    }
    notes.add(
        "provider '"
            + provider
            + "' is not one memdir speaks to; mapped to openai/"
            + name
            + endpoint.map(e -> " at " + e).orElse("")
            + " (an OpenAI-compatible server): check it before you send");
    return new Model("openai/" + name, endpoint, Optional.empty());
  }

  /** The llm_config an export writes for an agent's settings. */
  static ObjectNode toLetta(AgentConfig config) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("model", config.modelName());
    o.put("model_endpoint_type", config.provider());
    o.put("model_endpoint", config.baseUrl().orElse(defaultEndpoint(config.provider())));
    o.put("context_window", config.contextWindow());
    o.put("handle", config.model());
    o.putNull("temperature");
    o.put("put_inner_thoughts_in_kwargs", false);
    return o;
  }

  static String defaultEndpoint(String provider) {
    return switch (provider) {
      case "anthropic" -> "https://api.anthropic.com/v1";
      case "ollama" -> "http://localhost:11434";
      default -> "https://api.openai.com/v1";
    };
  }

  private static boolean isDefault(String provider, String endpoint) {
    String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return switch (provider) {
      case "openai" -> e.equals("https://api.openai.com/v1");
      case "anthropic" ->
          e.equals("https://api.anthropic.com/v1") || e.equals("https://api.anthropic.com");
      case "ollama" -> e.equals("http://localhost:11434") || e.equals("http://localhost:11434/v1");
      default -> false;
    };
  }
}
