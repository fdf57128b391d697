package dev.memdir.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.ConfigException;
import dev.memdir.LlmException;
import dev.memdir.LlmException.Kind;
import dev.memdir.format.AgentConfig;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Settings and failures particular to some providers: the reply-length field, bad tool calls. */
class ProviderQuirksTest {
  private ScriptedServer server;
  private Fixtures.Sleeps sleeps;

  @BeforeEach
  void start() {
    server = ScriptedServer.start().requireApiKey(Fixtures.KEY);
    sleeps = new Fixtures.Sleeps();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static ChatRequest hello() {
    return ChatRequest.of(List.of(new UserMessage("Hello")), List.of());
  }

  @Test
  void azureAndOpenAiHostsGetMaxCompletionTokensAndOtherServersMaxTokens() {
    Map<String, String> env = Map.of("OPENAI_API_KEY", Fixtures.KEY);

    assertThat(ModelConfig.resolve("openai/o3", Optional.empty(), env).maxTokensField())
        .isEqualTo("max_completion_tokens");
    assertThat(
            ModelConfig.resolve(
                    "openai/o3", Optional.of("https://my-res.openai.azure.com/openai/v1"), env)
                .maxTokensField())
        .isEqualTo("max_completion_tokens");
    assertThat(
            ModelConfig.resolve("openai/qwen", Optional.of("http://127.0.0.1:8000/v1"), env)
                .maxTokensField())
        .isEqualTo("max_tokens");
  }

  @Test
  void maxTokensFieldInAgentYamlDecidesWhatAGatewayIsSent() {
    AgentConfig agent = agentYaml("max_tokens_field: max_completion_tokens\n");
    ModelConfig config =
        ModelConfig.resolve(
                agent,
                Optional.empty(),
                Optional.of(server.openAiBaseUrl()),
                Map.of("OPENAI_API_KEY", Fixtures.KEY))
            .withRetry(sleeps.policy());
    server.enqueue(OpenAiReplies.text("ok"));

    ChatModels.open(config).chat(hello());

    var body = server.takeRequest().json();
    assertThat(body.path("max_completion_tokens").asInt()).isPositive();
    assertThat(body.has("max_tokens")).isFalse();
  }

  @Test
  void aMaxTokensFieldThatIsNeitherIsAConfigErrorNamingTheKey() {
    assertThatThrownBy(() -> agentYaml("max_tokens_field: max_output_tokens\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "agent.yaml:2: 'max_tokens_field' must be max_tokens or max_completion_tokens, got"
                + " \"max_output_tokens\"");
  }

  @Test
  void aServerRefusingMaxTokensGetsAHintNamingTheSetting() {
    server.enqueue(
        OpenAiReplies.error(
            400,
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use"
                + " 'max_completion_tokens' instead.",
            "invalid_request_error",
            "unsupported_parameter"));
    ChatModel model = ChatModels.open(Fixtures.openAi(server, sleeps.policy()));

    assertThatThrownBy(() -> model.chat(hello()))
        .isInstanceOfSatisfying(
            LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST))
        .hasMessageContaining("set max_tokens_field: max_completion_tokens in agent.yaml")
        .hasMessageNotContaining("memdir bug");
  }

  @Test
  void aBadToolCallTheServerRefusedIsRetriedOnceAndThenReportedAsTheModelsFailure() {
    for (int i = 0; i < 2; i++) {
      server.enqueue(
          OpenAiReplies.error(
              400,
              "Failed to call a function. Please adjust your prompt.",
              "invalid_request_error",
              "tool_use_failed"));
    }
    server.enqueue(OpenAiReplies.text("never reached"));
    ChatModel model = ChatModels.open(Fixtures.openAi(server, sleeps.policy()));

    assertThatThrownBy(() -> model.chat(hello()))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.BAD_MODEL_OUTPUT);
              assertThat(e.retryable()).isTrue();
            })
        .hasMessageContaining("gave up after 2 tries");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void anOpenAiRefusalIsTheRepliesRefusalWithItsOwnStopReason() {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("finish_reason", "stop").put("index", 0);
    choice.putObject("message").put("role", "assistant").putNull("content").put("refusal", "No.");
    server.enqueue(ScriptedReply.json(200, body));
    ChatModel model = ChatModels.open(Fixtures.openAi(server, sleeps.policy()));

    ChatResponse r = model.chat(hello());

    assertThat(r.stopReason()).isEqualTo(StopReason.REFUSAL);
    assertThat(r.refusal()).isEqualTo("No.");
    assertThat(r.text()).isEmpty();
  }

  @Test
  void anthropicBlocksMemdirDoesNotUseAreSkippedAlikeInWholeAndStreamedReplies() {
    ObjectNode whole = Json.MAPPER.createObjectNode().put("type", "message");
    whole.put("role", "assistant").put("model", "claude-sonnet-4-5").put("stop_reason", "tool_use");
    var content = whole.putArray("content");
    content.addObject().put("type", "text").put("text", "Let me look.");
    content
        .addObject()
        .put("type", "server_tool_use")
        .put("id", "srvtoolu_1")
        .put("name", "web_search")
        .putObject("input")
        .put("query", "weather");
    content.addObject().put("type", "web_search_tool_result").put("tool_use_id", "srvtoolu_1");
    content
        .addObject()
        .put("type", "tool_use")
        .put("id", "toolu_1")
        .put("name", "get_weather")
        .putObject("input")
        .put("city", "Paris");
    whole.putObject("usage").put("input_tokens", 10).put("output_tokens", 5);
    List<String> events =
        List.of(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":"
                + "\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}",
            block(0, "{\"type\":\"text\",\"text\":\"\"}"),
            delta(0, "{\"type\":\"text_delta\",\"text\":\"Let me look.\"}"),
            block(
                1,
                "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":"
                    + "\"web_search\",\"input\":{}}"),
            delta(
                1,
                "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"query\\\":"
                    + " \\\"weather\\\"}\"}"),
            block(2, "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\"}"),
            block(
                3,
                "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\","
                    + "\"input\":{}}"),
            delta(
                3,
                "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":"
                    + " \\\"Paris\\\"}\"}"),
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                + "\"tool_use\"},\"usage\":{\"output_tokens\":5}}",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}");
    server.enqueue(ScriptedReply.json(200, whole));
    server.enqueue(ScriptedReply.events(events));
    ChatModel model = ChatModels.open(Fixtures.anthropic(server, sleeps.policy()));
    ChatRequest request =
        ChatRequest.of(List.of(new UserMessage("Weather?")), List.of(Fixtures.weatherTool()));

    ChatResponse chat = model.chat(request);
    ChatResponse streamed = model.stream(request, StreamListener.NONE);

    for (ChatResponse r : List.of(chat, streamed)) {
      assertThat(r.text()).isEqualTo("Let me look.");
      assertThat(r.stopReason()).isEqualTo(StopReason.TOOL_CALLS);
      assertThat(r.toolCalls()).hasSize(1);
      assertThat(r.toolCalls().get(0).id()).isEqualTo("toolu_1");
      assertThat(r.toolCalls().get(0).rawArguments()).contains("Paris");
      assertThat(r.usage()).isEqualTo(new Usage(10, 5));
    }
  }

  private static String block(int index, String json) {
    return "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":"
        + index
        + ",\"content_block\":"
        + json
        + "}";
  }

  private static String delta(int index, String json) {
    return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":"
        + index
        + ",\"delta\":"
        + json
        + "}";
  }

  private static AgentConfig agentYaml(String lines) {
    return AgentConfig.parse("model: openai/gpt-4o-mini\n" + lines, "a", new ArrayList<>());
  }
}
