package dev.memdir.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.LlmException;
import dev.memdir.format.AgentConfig;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
  private static final Optional<String> NONE = Optional.empty();

  @Test
  void eachProviderHasItsDefaultServerAndKeyVariable() {
    Map<String, String> env =
        Map.of("OPENAI_API_KEY", "sk-a-1234567890", "ANTHROPIC_API_KEY", "sk-ant-1234567890");

    ModelConfig openai = ModelConfig.resolve("openai/gpt-4o-mini", NONE, env);
    ModelConfig anthropic = ModelConfig.resolve("anthropic/claude-sonnet-4-5", NONE, env);
    ModelConfig ollama = ModelConfig.resolve("ollama/qwen2.5:7b", NONE, env);

    assertThat(openai.baseUrl()).hasToString("https://api.openai.com/v1");
    assertThat(openai.model()).isEqualTo("gpt-4o-mini");
    assertThat(openai.keyStatus()).isEqualTo("OPENAI_API_KEY set");
    assertThat(anthropic.baseUrl()).hasToString("https://api.anthropic.com");
    assertThat(anthropic.apiKey().orElseThrow().source()).isEqualTo("ANTHROPIC_API_KEY");
    assertThat(ollama.baseUrl()).hasToString("http://localhost:11434/v1");
    assertThat(ollama.model()).isEqualTo("qwen2.5:7b");
    assertThat(ollama.apiKey()).isEmpty();
    assertThat(ollama.keyStatus()).isEqualTo("no key needed");
  }

  @Test
  void theCommandLineBeatsAgentYamlWhichBeatsTheEnvironment() {
    AgentConfig agent = AgentConfig.defaults("a").withModel("openai/gpt-4o-mini");
    AgentConfig withUrl =
        new AgentConfig(
            "a",
            "",
            "openai/gpt-4o-mini",
            Optional.of("http://yaml:8000/v1/"),
            1000,
            5,
            AgentConfig.DEFAULT_TOOLS,
            agent.durability(),
            agent.extra());
    Map<String, String> env = Map.of("OPENAI_BASE_URL", "http://env:1/v1");

    assertThat(ModelConfig.resolve(agent, NONE, NONE, env).baseUrl())
        .hasToString("http://env:1/v1");
    assertThat(ModelConfig.resolve(withUrl, NONE, NONE, env).baseUrl())
        .hasToString("http://yaml:8000/v1");
    ModelConfig flags =
        ModelConfig.resolve(
            withUrl, Optional.of("ollama/llama3.1"), Optional.of("http://flag:2/v1"), env);
    assertThat(flags.provider()).isEqualTo(Provider.OLLAMA);
    assertThat(flags.baseUrl()).hasToString("http://flag:2/v1");
  }

  @Test
  void ollamaHostIsReadTheWayOllamaReadsIt() {
    assertThat(ollama("example:1234")).isEqualTo("http://example:1234/v1");
    assertThat(ollama("0.0.0.0")).isEqualTo("http://127.0.0.1:11434/v1");
    assertThat(ollama("https://gpu.example/ollama/"))
        .isEqualTo("https://gpu.example:443/ollama/v1");
    assertThat(ollama("http://box")).isEqualTo("http://box:80/v1");
  }

  private static String ollama(String host) {
    return ModelConfig.resolve("ollama/m", NONE, Map.of("OLLAMA_HOST", host)).baseUrl().toString();
  }

  @Test
  void anAnthropicBaseUrlEndingInV1IsTakenAsTheRoot() {
    assertThat(
            ModelConfig.resolve("anthropic/m", Optional.of("http://proxy:9/v1/"), Map.of())
                .baseUrl())
        .hasToString("http://proxy:9");
  }

  @Test
  void theKeyNeverShowsInToStringOrConfigs() {
    String key = "sk-proj-abcdefghijklmnopqrstuvwxyz";
    ModelConfig c = ModelConfig.resolve("openai/gpt-4o", NONE, Map.of("OPENAI_API_KEY", key));

    assertThat(c.toString()).doesNotContain(key).contains("OPENAI_API_KEY set");
    assertThat(c.apiKey().orElseThrow().toString()).isEqualTo("OPENAI_API_KEY=***");
    assertThat(c.mask("echo " + key + " and sk-other-1234567890123"))
        .isEqualTo("echo *** and sk-***");
  }

  @Test
  void aMissingKeyIsAProblemOnlyForTheProvidersOwnServer() {
    assertThat(ModelConfig.resolve("openai/gpt-4o", NONE, Map.of()).problem())
        .contains(
            "OPENAI_API_KEY is not set: export OPENAI_API_KEY=... (keys never go into"
                + " agent.yaml)");
    assertThat(
            ModelConfig.resolve("openai/local", Optional.of("http://127.0.0.1:8000/v1"), Map.of())
                .problem())
        .isEmpty();
    assertThat(ModelConfig.resolve("ollama/m", NONE, Map.of()).problem()).isEmpty();
  }

  @Test
  void malformedModelsAndUrlsAreConfigErrorsThatSayWhatIsExpected() {
    assertThatThrownBy(() -> ModelConfig.resolve("gpt-4o", NONE, Map.of()))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(LlmException.Kind.CONFIG);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "model must be provider/name, for example"
                          + " openai/gpt-4o-mini, got \"gpt-4o\"");
            });
    assertThatThrownBy(() -> ModelConfig.resolve("mistral/large", NONE, Map.of()))
        .hasMessage(
            "unknown provider \"mistral\" in \"mistral/large\" (known: openai,"
                + " anthropic, ollama)");
    assertThatThrownBy(
            () -> ModelConfig.resolve("openai/m", Optional.of("localhost:8000"), Map.of()))
        .hasMessage(
            "base_url must start with http:// or https:// and name a host,"
                + " got \"localhost:8000\"");
  }
}
