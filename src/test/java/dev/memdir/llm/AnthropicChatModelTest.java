package dev.memdir.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.LlmException;
import dev.memdir.LlmException.Kind;
import dev.memdir.llm.scripted.AnthropicReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnthropicChatModelTest {
  private ScriptedServer server;
  private Fixtures.Sleeps sleeps;
  private ChatModel model;

  @BeforeEach
  void start() {
    server = ScriptedServer.start().requireApiKey(Fixtures.KEY);
    sleeps = new Fixtures.Sleeps();
    model = ChatModels.open(Fixtures.anthropic(server, sleeps.policy()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static ChatRequest hello() {
    return ChatRequest.of(
        List.of(new SystemMessage("Be brief."), new UserMessage("Hello")), List.of());
  }

  @Test
  void plainReplySendsSystemOnTopWithKeyVersionAndMaxTokens() {
    server.enqueue(AnthropicReplies.text("Hi!", 11, 2));

    ChatResponse r = model.chat(hello());

    assertThat(r.text()).isEqualTo("Hi!");
    assertThat(r.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(r.usage()).isEqualTo(new Usage(11, 2));
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.rejection()).isEmpty();
    assertThat(sent.path()).isEqualTo("/v1/messages");
    assertThat(sent.header("x-api-key")).contains(Fixtures.KEY);
    assertThat(sent.header("anthropic-version")).contains("2023-06-01");
    JsonNode body = sent.json();
    assertThat(body.path("system").asText()).isEqualTo("Be brief.");
    assertThat(body.path("max_tokens").asInt()).isEqualTo(ChatRequest.DEFAULT_MAX_TOKENS);
    assertThat(body.path("messages").toString())
        .isEqualTo("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}]");
  }

  @Test
  void toolUseRoundTripIsAcceptedByTheStrictServer() {
    server.enqueue(
        AnthropicReplies.toolUse(
            "Let me check.",
            new ScriptedToolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}")));
    server.enqueue(AnthropicReplies.text("Sunny."));
    List<Message> conversation = new ArrayList<>(List.of(new UserMessage("Weather in Paris?")));

    ChatResponse first = model.chat(ChatRequest.of(conversation, List.of(Fixtures.weatherTool())));
    assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_CALLS);
    assertThat(first.text()).isEqualTo("Let me check.");
    assertThat(first.toolCalls().get(0).arguments().orElseThrow().path("city").asText())
        .isEqualTo("Paris");
    conversation.add(first.toMessage());
    conversation.add(new ToolResultMessage("toolu_1", "get_weather", "sunny", false));
    ChatResponse second = model.chat(ChatRequest.of(conversation, List.of(Fixtures.weatherTool())));

    assertThat(second.text()).isEqualTo("Sunny.");
    JsonNode firstBody = server.takeRequest().json();
    assertThat(firstBody.path("tools").get(0).path("input_schema").path("type").asText())
        .isEqualTo("object");
    assertThat(firstBody.path("tool_choice").path("type").asText()).isEqualTo("auto");
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.rejection()).isEmpty();
    JsonNode messages = sent.json().path("messages");
    assertThat(messages.get(1).path("content").toString())
        .isEqualTo(
            "[{\"type\":\"text\",\"text\":\"Let me check.\"},{\"type\":\"tool_use\",\"id\":"
                + "\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}]");
    assertThat(messages.get(2).toString())
        .isEqualTo(
            "{\"role\":\"user\",\"content\":["
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"sunny\"}]}");
  }

  @Test
  void parallelToolResultsGoInOneUserMessageWithErrorsFlagged() {
    server.enqueue(AnthropicReplies.text("Done."));
    AssistantMessage asked =
        new AssistantMessage(
            "",
            List.of(
                ToolCall.of("toolu_a", "get_weather", "{\"city\":\"Paris\"}"),
                ToolCall.of("toolu_b", "get_weather", "{\"city\":\"Atlantis\"}")));
    List<Message> conversation =
        List.of(
            new UserMessage("Paris or Atlantis?"),
            asked,
            new ToolResultMessage("toolu_a", "get_weather", "24 C", false),
            new ToolResultMessage("toolu_b", "get_weather", "no such city", true),
            new UserMessage("Well?"));

    model.chat(ChatRequest.of(conversation, List.of(Fixtures.weatherTool())));

    RecordedRequest sent = server.takeRequest();
    assertThat(sent.rejection()).isEmpty();
    JsonNode messages = sent.json().path("messages");
    assertThat(messages).hasSize(3);
    JsonNode results = messages.get(2).path("content");
    assertThat(results).hasSize(3);
    assertThat(results.get(1).path("is_error").asBoolean()).isTrue();
    assertThat(results.get(2).path("type").asText()).isEqualTo("text");
  }

  @Test
  void aToolResultWithoutItsToolUseIsRejectedAsTheRealApiWould() {
    server.enqueue(AnthropicReplies.text("unused"));
    List<Message> conversation =
        List.of(
            new UserMessage("hi"),
            AssistantMessage.text("hello"),
            new ToolResultMessage("toolu_x", "get_weather", "24 C", false));

    assertThatThrownBy(() -> model.chat(ChatRequest.of(conversation, List.of())))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
              assertThat(e.getMessage())
                  .contains("unexpected `tool_use_id` found in `tool_result`" + " blocks: toolu_x");
            });
  }

  @Test
  void streamedTextIsReassembledWithUsageFromStartAndDelta() {
    server.enqueue(AnthropicReplies.streamText("Hel", "lo"));
    Fixtures.Collector seen = new Fixtures.Collector();

    ChatResponse r = model.stream(hello(), seen);

    assertThat(seen.texts).containsExactly("Hel", "lo");
    assertThat(r.text()).isEqualTo("Hello");
    assertThat(r.usage()).isEqualTo(new Usage(10, 2));
    assertThat(server.takeRequest().json().path("stream").asBoolean()).isTrue();
  }

  @Test
  void streamedToolUseIsReassembledFromInputJsonDeltas() {
    server.enqueue(
        AnthropicReplies.streamToolUse(
            "Checking.",
            new ScriptedToolCall("toolu_a", "get_weather", "{\"city\": \"Paris\"}"),
            new ScriptedToolCall("toolu_b", "get_weather", "")));
    Fixtures.Collector seen = new Fixtures.Collector();

    ChatResponse r =
        model.stream(
            ChatRequest.of(List.of(new UserMessage("Paris?")), List.of(Fixtures.weatherTool())),
            seen);

    assertThat(r.text()).isEqualTo("Checking.");
    assertThat(r.stopReason()).isEqualTo(StopReason.TOOL_CALLS);
    assertThat(r.toolCalls().get(0).arguments().orElseThrow().path("city").asText())
        .isEqualTo("Paris");
    assertThat(r.toolCalls().get(1).rawArguments()).isEqualTo("{}");
    assertThat(seen.events)
        .containsExactly(
            "start 0 toolu_a get_weather",
            "args 0 {\"city\"",
            "args 0 : \"Pari",
            "args 0 s\"}",
            "start 1 toolu_b get_weather");
  }

  @Test
  void overloadedIsRetried() {
    server.enqueue(AnthropicReplies.overloaded());
    server.enqueue(AnthropicReplies.text("ok"));

    assertThat(model.chat(hello()).text()).isEqualTo("ok");
    assertThat(sleeps.waits).hasSize(1);
  }

  @Test
  void anErrorEventMidStreamAfterTextFailsWithoutRetry() {
    server.enqueue(
        ScriptedReply.events(
            List.of(
                "event: message_start\n"
                    + "data: {\"type\":\"message_start\",\"message\":{\"model\":\"m\",\"usage\":"
                    + "{\"input_tokens\":3,\"output_tokens\":1}}}",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Par\"}}",
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                    + "\"message\":\"Overloaded\"}}")));

    assertThatThrownBy(() -> model.stream(hello(), StreamListener.NONE))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
              assertThat(e.getMessage()).contains("Overloaded");
            });
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void aDroppedStreamIsTruncated() {
    server.enqueue(AnthropicReplies.streamText("one", "two", "three").droppedAfter(4));

    assertThatThrownBy(() -> model.stream(hello(), StreamListener.NONE))
        .isInstanceOfSatisfying(
            LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRUNCATED));
  }

  @Test
  void maxTokensStopIsReported() {
    server.enqueue(AnthropicReplies.truncatedText("The answer"));

    assertThat(model.chat(hello()).stopReason()).isEqualTo(StopReason.MAX_TOKENS);
  }

  @Test
  void aMissingKeyForTheOfficialServerIsAConfigErrorBeforeAnyRequest() {
    ModelConfig noKey =
        ModelConfig.resolve(
            "anthropic/claude-sonnet-4-5", java.util.Optional.empty(), java.util.Map.of());

    assertThatThrownBy(() -> ChatModels.open(noKey))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.CONFIG);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "anthropic/claude-sonnet-4-5: ANTHROPIC_API_KEY"
                          + " is not set: export ANTHROPIC_API_KEY=... (keys never go into agent.yaml)");
            });
  }

  @Test
  void aWrongKeyIsAnAuthError() {
    ChatModel bad =
        ChatModels.open(
            Fixtures.anthropic(server, RetryPolicy.DEFAULT)
                .withApiKey(ApiKey.of("sk-ant-wrong-key-000000000", "ANTHROPIC_API_KEY")));

    assertThatThrownBy(() -> bad.chat(hello()))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.AUTH);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "anthropic/claude-sonnet-4-5: the API key was"
                          + " rejected (HTTP 401: invalid x-api-key): set ANTHROPIC_API_KEY to a valid key");
            });
  }

  @Test
  void anUnknownModelIsReported() {
    server.models("claude-opus-4-1");

    assertThatThrownBy(() -> model.chat(hello()))
        .isInstanceOfSatisfying(
            LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_MODEL));
    assertThat(model.models()).containsExactly("claude-opus-4-1");
  }
}
