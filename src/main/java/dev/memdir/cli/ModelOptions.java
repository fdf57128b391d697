package dev.memdir.cli;

import dev.memdir.format.AgentConfig;
import dev.memdir.llm.ModelConfig;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --model} and {@code --base-url} options of every command that calls a model. */
final class ModelOptions {
  @Option(
      names = "--model",
      paramLabel = "PROVIDER/NAME",
      converter = Opts.Model.class,
      description = "The model to use instead of agent.yaml's, e.g. ollama/qwen2.5:7b.")
  String model;

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description = "The server to use instead of agent.yaml's base_url or the environment's.")
  String baseUrl;

  Optional<String> model() {
    return Optional.ofNullable(model);
  }

  Optional<String> baseUrl() {
    return Optional.ofNullable(baseUrl);
  }

  /** The model settings: these options over agent.yaml over the environment. */
  ModelConfig resolve(AgentConfig config, Map<String, String> env) {
    return ModelConfig.resolve(config, model(), baseUrl(), env);
  }
}
