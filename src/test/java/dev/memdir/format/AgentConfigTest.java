package dev.memdir.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.ConfigException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  static final String EXAMPLE =
      """
      name: research-assistant
      description: Helps a machine-learning researcher.
      model: openai/gpt-4o-mini        # provider/name
      # base_url: http://localhost:11434/v1
      context_window: 32000            # tokens
      max_steps: 20
      tools: [memory_replace, memory_insert, search_files]
      history:
        durability: always
      """;

  @Test
  void parsesTheDocumentedExample() {
    List<Problem> warnings = new ArrayList<>();
    AgentConfig c = AgentConfig.parse(EXAMPLE, "dir", warnings);
    assertThat(c.name()).isEqualTo("research-assistant");
    assertThat(c.provider()).isEqualTo("openai");
    assertThat(c.modelName()).isEqualTo("gpt-4o-mini");
    assertThat(c.contextWindow()).isEqualTo(32000);
    assertThat(c.maxSteps()).isEqualTo(20);
    assertThat(c.tools()).containsExactly("memory_replace", "memory_insert", "search_files");
    assertThat(c.durability()).isEqualTo(Durability.ALWAYS);
    assertThat(c.baseUrl()).isEmpty();
    assertThat(warnings).isEmpty();
  }

  @Test
  void aWrongTypeNamesFileLineAndValue() {
    assertThatThrownBy(
            () -> AgentConfig.parse("name: x\nmax_steps: lots\n", "d", new ArrayList<>()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("agent.yaml:2: 'max_steps' must be a positive integer, got \"lots\"");
  }

  @Test
  void anUnknownProviderIsRefused() {
    assertThatThrownBy(() -> AgentConfig.parse("model: gemini/pro\n", "d", new ArrayList<>()))
        .hasMessage(
            "agent.yaml:1: 'model' names an unknown provider \"gemini\" (known: openai, anthropic, ollama)");
  }

  @Test
  void aBadDurabilityIsRefused() {
    assertThatThrownBy(
            () -> AgentConfig.parse("history:\n  durability: sometimes\n", "d", new ArrayList<>()))
        .hasMessage(
            "agent.yaml:2: 'history.durability' must be always, turn or never, got \"sometimes\"");
  }

  @Test
  void unknownKeysWarnAndSurviveARewrite() {
    List<Problem> warnings = new ArrayList<>();
    AgentConfig c =
        AgentConfig.parse(
            "name: a\ncolour: blue\nplugins:\n  x: 1\nhistory:\n  durability: never\n  keep: 3\n",
            "d",
            warnings);
    assertThat(warnings)
        .extracting(Problem::toString)
        .containsExactly(
            "agent.yaml:2: unknown key 'colour' (kept as is)",
            "agent.yaml:3: unknown key 'plugins' (kept as is)",
            "agent.yaml:7: unknown key 'history.keep' (kept as is)");
    AgentConfig again = AgentConfig.parse(c.toYaml(), "d", new ArrayList<>());
    assertThat(again).isEqualTo(c);
    assertThat(c.toYaml()).contains("colour: blue").contains("keep: 3");
  }

  @Test
  void defaultsApplyToAnEmptyFileAndRoundTrip() {
    AgentConfig c = AgentConfig.parse("", "my-agent", new ArrayList<>());
    assertThat(c).isEqualTo(AgentConfig.defaults("my-agent"));
    assertThat(AgentConfig.parse(c.toYaml(), "other", new ArrayList<>())).isEqualTo(c);
  }

  @Test
  void unknownToolsWarn() {
    List<Problem> warnings = new ArrayList<>();
    AgentConfig.parse("tools: [search_files, fly]\n", "d", warnings);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).toString()).startsWith("agent.yaml:1: unknown tool 'fly'");
  }

  @Test
  void toolRulesAndOverflowParseAndRoundTrip() {
    List<Problem> warnings = new ArrayList<>();
    AgentConfig c =
        AgentConfig.parse(
            """
            tools: [memory_insert, conversation_search, send_message]
            tool_rules:
              run_first: conversation_search
              exit_loop: [send_message]
              required_before_exit: [memory_insert]
              colour: red
            overflow:
              threshold: 0.75
              summarize: 0.5
              retries: 0
            """,
            "d",
            warnings);
    assertThat(c.toolRules())
        .isEqualTo(
            new ToolRules(
                List.of("conversation_search"), List.of("send_message"), List.of("memory_insert")));
    assertThat(c.overflow()).isEqualTo(new Overflow(0.75, 0.5, 0));
    assertThat(c.overflow().thresholdTokens(1000)).isEqualTo(750);
    assertThat(warnings)
        .extracting(Problem::toString)
        .containsExactly(
            "agent.yaml:6: unknown key 'tool_rules.colour' (kept as is; known: run_first,"
                + " exit_loop, required_before_exit)");
    AgentConfig again = AgentConfig.parse(c.toYaml(), "d", new ArrayList<>());
    assertThat(again).isEqualTo(c);
    assertThat(c.toYaml()).contains("colour: red").contains("threshold: 0.75");
  }

  @Test
  void aToolRuleMustNameAnOfferedTool() {
    assertThatThrownBy(
            () ->
                AgentConfig.parse(
                    "tools: [memory_insert]\ntool_rules:\n  run_first: [search_files]\n",
                    "d",
                    new ArrayList<>()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "agent.yaml:3: 'tool_rules.run_first' names 'search_files', which is not in 'tools'"
                + " (memory_insert); add it there or remove the rule");
  }

  @Test
  void wrongOverflowValuesNameTheirLine() {
    assertThatThrownBy(
            () ->
                AgentConfig.parse("name: a\noverflow:\n  threshold: 1.5\n", "d", new ArrayList<>()))
        .hasMessage(
            "agent.yaml:3: 'overflow.threshold' must be a number over 0 and at most 1, got 1.5");
    assertThatThrownBy(
            () -> AgentConfig.parse("overflow:\n  summarize: all\n", "d", new ArrayList<>()))
        .hasMessage(
            "agent.yaml:2: 'overflow.summarize' must be a number over 0 and below 1, got \"all\"");
    assertThatThrownBy(
            () -> AgentConfig.parse("overflow:\n  retries: -1\n", "d", new ArrayList<>()))
        .hasMessage("agent.yaml:2: 'overflow.retries' must be an integer from 0 to 10, got -1");
    assertThatThrownBy(() -> AgentConfig.parse("tool_rules: [a]\n", "d", new ArrayList<>()))
        .hasMessage("agent.yaml:1: 'tool_rules' must be a mapping of keys to values, got a list");
  }

  @Test
  void readKeepsEveryGoodKeyAndListsEachBrokenOneWithItsLine() {
    AgentConfig.Read r =
        AgentConfig.read(
            "name: a\nmodel: gemini/pro\nmax_steps: 7\ncontext_window: big\n"
                + "search:\n  b: 0.5\ntools: [memory_insert\n",
            "d");
    assertThat(r.broken())
        .extracting(AgentConfig.Broken::key)
        .containsExactly("model", "context_window", "tools");
    assertThat(r.broken().get(1).problem().toString())
        .isEqualTo("agent.yaml:4: 'context_window' must be a positive integer, got \"big\"");
    assertThat(r.broken().get(2).problem().toString()).startsWith("agent.yaml:7: invalid YAML");
    assertThat(r.config().maxSteps()).isEqualTo(7);
    assertThat(r.config().search().b()).isEqualTo(0.5);
    assertThat(r.config().model()).isEqualTo(AgentConfig.DEFAULT_MODEL);
    assertThat(r.firstBroken("search")).isEmpty();
    assertThat(r.firstBroken()).contains(r.broken().get(0));
  }

  @Test
  void maxTokensFieldIsAKnownKeyCheckedWithItsLine() {
    List<Problem> warnings = new ArrayList<>();
    AgentConfig c =
        AgentConfig.parse("name: a\nmax_tokens_field: max_completion_tokens\n", "d", warnings);
    assertThat(warnings).isEmpty();
    assertThat(c.extra().get("max_tokens_field").asText()).isEqualTo("max_completion_tokens");
    AgentConfig.Read r = AgentConfig.read("name: a\nmax_tokens_field: max_tokenz\n", "d");
    assertThat(r.broken()).extracting(AgentConfig.Broken::key).containsExactly("max_tokens_field");
    assertThat(r.broken().get(0).problem().toString())
        .isEqualTo(
            "agent.yaml:2: 'max_tokens_field' must be max_tokens or max_completion_tokens, got"
                + " \"max_tokenz\"");
  }
}
