package dev.memdir.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.LlmException;
import dev.memdir.LlmException.Kind;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiChatModelTest {
  private ScriptedServer server;
  private Fixtures.Sleeps sleeps;
  private ChatModel model;

  @BeforeEach
  void start() {
    server = ScriptedServer.start().requireApiKey(Fixtures.KEY);
    sleeps = new Fixtures.Sleeps();
    model = ChatModels.open(Fixtures.openAi(server, sleeps.policy()));
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
  void plainReplyCarriesTextStopReasonUsageAndModel() {
    server.enqueue(OpenAiReplies.text("Hi there!", 12, 4));

    ChatResponse r = model.chat(hello());

    assertThat(r.text()).isEqualTo("Hi there!");
    assertThat(r.toolCalls()).isEmpty();
    assertThat(r.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(r.usage()).isEqualTo(new Usage(12, 4));
    assertThat(r.model()).isEqualTo("gpt-4o-mini-2024-07-18");
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.rejection()).isEmpty();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.header("Authorization")).contains("Bearer " + Fixtures.KEY);
    JsonNode body = sent.json();
    assertThat(body.path("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(body.path("max_tokens").asInt()).isEqualTo(ChatRequest.DEFAULT_MAX_TOKENS);
    assertThat(body.path("messages").toString())
        .isEqualTo(
            "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hello\"}]");
    assertThat(body.has("tools")).isFalse();
    assertThat(body.has("stream")).isFalse();
  }

  @Test
  void toolCallAndItsResultTravelInASecondRequestTheServerAccepts() {
    server.enqueue(
        OpenAiReplies.toolCalls(
            new ScriptedToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")));
    server.enqueue(OpenAiReplies.text("It is sunny in Paris."));
    List<Message> conversation = new ArrayList<>(List.of(new UserMessage("Weather in Paris?")));

    ChatResponse first = model.chat(ChatRequest.of(conversation, List.of(Fixtures.weatherTool())));

    assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_CALLS);
    assertThat(first.text()).isEmpty();
    ToolCall call = first.toolCalls().get(0);
    assertThat(call.id()).isEqualTo("call_1");
    assertThat(call.name()).isEqualTo("get_weather");
    assertThat(call.arguments().orElseThrow().path("city").asText()).isEqualTo("Paris");
    conversation.add(first.toMessage());
    conversation.add(new ToolResultMessage("call_1", "get_weather", "sunny, 24 C", false));

    ChatResponse second = model.chat(ChatRequest.of(conversation, List.of(Fixtures.weatherTool())));

    assertThat(second.text()).isEqualTo("It is sunny in Paris.");
    JsonNode firstBody = server.takeRequest().json();
    assertThat(firstBody.path("tools").get(0).path("function").path("name").asText())
        .isEqualTo("get_weather");
    assertThat(firstBody.path("tool_choice").asText()).isEqualTo("auto");
    RecordedRequest secondSent = server.takeRequest();
    assertThat(secondSent.rejection()).isEmpty();
    JsonNode messages = secondSent.json().path("messages");
    assertThat(messages.get(1).path("content").isNull()).isTrue();
    assertThat(
            messages.get(1).path("tool_calls").get(0).path("function").path("arguments").asText())
        .isEqualTo("{\"city\":\"Paris\"}");
    assertThat(messages.get(2).toString())
        .isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny, 24 C\"}");
  }

  @Test
  void parallelToolCallsComeBackInOrderAndBothResultsAreAccepted() {
    server.enqueue(
        OpenAiReplies.toolCalls(
            new ScriptedToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
            new ScriptedToolCall("call_b", "get_weather", "{\"city\":\"Oslo\"}")));
    server.enqueue(OpenAiReplies.text("Paris is warmer."));
    List<Message> conversation = new ArrayList<>(List.of(new UserMessage("Paris or Oslo?")));

    ChatResponse first = model.chat(ChatRequest.of(conversation, List.of(Fixtures.weatherTool())));
    assertThat(first.toolCalls()).extracting(ToolCall::id).containsExactly("call_a", "call_b");
    conversation.add(first.toMessage());
    conversation.add(new ToolResultMessage("call_a", "get_weather", "24 C", false));
    conversation.add(new ToolResultMessage("call_b", "get_weather", "9 C", false));
    ChatResponse second = model.chat(ChatRequest.of(conversation, List.of(Fixtures.weatherTool())));

    assertThat(second.text()).isEqualTo("Paris is warmer.");
    server.takeRequest();
    assertThat(server.takeRequest().rejection()).isEmpty();
  }

  @Test
  void aToolResultForOnlyOneOfTwoCallsIsRejectedAsTheRealApiWould() {
    server.enqueue(OpenAiReplies.text("unused"));
    AssistantMessage asked =
        new AssistantMessage(
            "",
            List.of(
                ToolCall.of("call_a", "get_weather", "{\"city\":\"Paris\"}"),
                ToolCall.of("call_b", "get_weather", "{\"city\":\"Oslo\"}")));
    List<Message> conversation =
        List.of(
            new UserMessage("Paris or Oslo?"),
            asked,
            new ToolResultMessage("call_a", "get_weather", "24 C", false),
            new UserMessage("and?"));

    assertThatThrownBy(() -> model.chat(ChatRequest.of(conversation, List.of())))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage())
                  .contains("HTTP 400")
                  .contains("did not have response messages: call_b");
            });
    assertThat(server.pendingReplies()).isEqualTo(1);
  }

  @Test
  void streamedTextArrivesInPiecesAndIsReassembledWithUsage() {
    server.enqueue(OpenAiReplies.streamText("Hel", "lo, ", "world"));
    Fixtures.Collector seen = new Fixtures.Collector();

    ChatResponse r = model.stream(hello(), seen);

    assertThat(seen.texts).containsExactly("Hel", "lo, ", "world");
    assertThat(r.text()).isEqualTo("Hello, world");
    assertThat(r.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(r.usage()).isEqualTo(new Usage(10, 3));
    JsonNode body = server.takeRequest().json();
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void streamedToolCallDeltasAreReassembledPerCall() {
    server.enqueue(
        OpenAiReplies.streamToolCalls(
            new ScriptedToolCall("call_a", "get_weather", "{\"city\": \"Paris\"}"),
            new ScriptedToolCall("call_b", "get_weather", "{\"city\": \"Oslo\"}")));
    Fixtures.Collector seen = new Fixtures.Collector();

    ChatResponse r =
        model.stream(
            ChatRequest.of(
                List.of(new UserMessage("Paris or Oslo?")), List.of(Fixtures.weatherTool())),
            seen);

    assertThat(r.stopReason()).isEqualTo(StopReason.TOOL_CALLS);
    assertThat(r.toolCalls())
        .extracting(ToolCall::rawArguments)
        .containsExactly("{\"city\": \"Paris\"}", "{\"city\": \"Oslo\"}");
    assertThat(r.toolCalls().get(1).arguments().orElseThrow().path("city").asText())
        .isEqualTo("Oslo");
    assertThat(seen.events)
        .startsWith(
            "start 0 call_a get_weather",
            "args 0 {\"city\"",
            "args 0 : \"Pari",
            "args 0 s\"}",
            "start 1 call_b get_weather");
  }

  @Test
  void rateLimitIsRetriedAfterTheServersRetryAfter() {
    server.enqueue(OpenAiReplies.rateLimited(2));
    server.enqueue(OpenAiReplies.text("finally"));

    ChatResponse r = model.chat(hello());

    assertThat(r.text()).isEqualTo("finally");
    assertThat(sleeps.waits).containsExactly(Duration.ofSeconds(2));
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void repeatedServerErrorsEndInOneClearFailureAfterTheLastTry() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(OpenAiReplies.serverError());
    }

    assertThatThrownBy(() -> model.chat(hello()))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
              assertThat(e.status()).isEqualTo(500);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "openai/gpt-4o-mini: the server failed (HTTP 500:"
                          + " The server had an error while processing your request. Sorry about that!):"
                          + " try again later; if it persists, check the server's status or logs"
                          + " (gave up after 4 tries)");
            });
    assertThat(server.requestCount()).isEqualTo(4);
    // Full jitter at 0.5 of a cap doubling from 1 s.
    assertThat(sleeps.waits)
        .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void aStreamDroppedAfterTextWasDeliveredFailsAsTruncatedWithoutRetry() {
    server.enqueue(OpenAiReplies.streamText("Hel", "lo", " world").droppedAfter(3));
    server.enqueue(OpenAiReplies.text("never sent"));
    Fixtures.Collector seen = new Fixtures.Collector();

    assertThatThrownBy(() -> model.stream(hello(), seen))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
              assertThat(e.retryable()).isTrue();
              assertThat(e.getMessage()).contains("was cut off after").endsWith(": try again");
            });
    assertThat(seen.text.toString()).isEqualTo("Hello");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void aStreamDroppedBeforeAnyTextIsRetried() {
    server.enqueue(OpenAiReplies.streamText("Hello").droppedAfter(1));
    server.enqueue(OpenAiReplies.streamText("Hello", "!"));
    Fixtures.Collector seen = new Fixtures.Collector();

    ChatResponse r = model.stream(hello(), seen);

    assertThat(r.text()).isEqualTo("Hello!");
    assertThat(seen.text.toString()).isEqualTo("Hello!");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void aTruncatedBodyIsRetriedAndReportedWhenRetriesRunOut() {
    server.enqueue(OpenAiReplies.text("Hello there").truncatedAfter(40));
    server.enqueue(OpenAiReplies.text("Hello there"));
    assertThat(model.chat(hello()).text()).isEqualTo("Hello there");

    ChatModel once = ChatModels.open(Fixtures.openAi(server, RetryPolicy.NONE));
    server.enqueue(OpenAiReplies.text("Hello there").truncatedAfter(40));
    assertThatThrownBy(() -> once.chat(hello()))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
              assertThat(e.getMessage()).contains("cut off after").contains("gave up after 1 try");
            });
  }

  @Test
  void aConnectionClosedBeforeAnyReplyIsRetried() {
    server.enqueue(ScriptedReply.disconnect());
    server.enqueue(OpenAiReplies.text("back"));

    assertThat(model.chat(hello()).text()).isEqualTo("back");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void malformedToolCallArgumentsArriveAsAStructuredErrorNotAnException() {
    server.enqueue(
        OpenAiReplies.toolCalls(
            new ScriptedToolCall("call_1", "get_weather", "{\"city\": \"Par"),
            new ScriptedToolCall("call_2", "get_weather", "[1, 2]")));

    ChatResponse r =
        model.chat(
            ChatRequest.of(List.of(new UserMessage("Paris?")), List.of(Fixtures.weatherTool())));

    ToolCall broken = r.toolCalls().get(0);
    assertThat(broken.argumentsValid()).isFalse();
    assertThat(broken.rawArguments()).isEqualTo("{\"city\": \"Par");
    assertThat(broken.argumentsError().orElseThrow())
        .startsWith("arguments of tool call 'get_weather' are not valid JSON: ");
    assertThat(r.toolCalls().get(1).argumentsError())
        .contains("arguments of tool call 'get_weather' must be a JSON object, got an array");
  }

  @Test
  void aCallWithBrokenArgumentsIsReplayedWithEmptyArgumentsTheServerAccepts() {
    server.enqueue(OpenAiReplies.text("Sorry."));
    ToolCall broken = ToolCall.of("call_1", "get_weather", "{\"city\": \"Par");
    List<Message> conversation =
        List.of(
            new UserMessage("Paris?"),
            new AssistantMessage("", List.of(broken)),
            new ToolResultMessage(
                "call_1", "get_weather", broken.argumentsError().orElseThrow(), true));

    model.chat(
        ChatRequest.of(conversation, List.of(Fixtures.weatherTool()))
            .withToolChoice(ToolChoice.REQUIRED));

    RecordedRequest sent = server.takeRequest();
    assertThat(sent.rejection()).isEmpty();
    assertThat(sent.json().path("tool_choice").asText()).isEqualTo("required");
    assertThat(
            sent.json()
                .path("messages")
                .get(1)
                .path("tool_calls")
                .get(0)
                .path("function")
                .path("arguments")
                .asText())
        .isEqualTo("{}");
  }

  @Test
  void malformedArgumentsInAStreamAlsoArriveAsAStructuredError() {
    server.enqueue(
        OpenAiReplies.streamToolCalls(
            new ScriptedToolCall("call_1", "get_weather", "{\"city\": ")));

    ChatResponse r =
        model.stream(
            ChatRequest.of(List.of(new UserMessage("Paris?")), List.of(Fixtures.weatherTool())),
            StreamListener.NONE);

    assertThat(r.toolCalls().get(0).argumentsError()).isPresent();
  }

  @Test
  void aReplyCutAtTheTokenLimitIsReportedAsSuchAndNotAsFinished() {
    server.enqueue(OpenAiReplies.truncatedText("The answer is"));

    ChatResponse r = model.chat(hello().withMaxTokens(3));

    assertThat(r.truncated()).isTrue();
    assertThat(r.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
    assertThatThrownBy(r::requireComplete)
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MAX_TOKENS);
              assertThat(e.getMessage()).contains("cut off at the max-tokens limit");
            });
    assertThat(server.takeRequest().json().path("max_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void aWrongKeyIsReportedWithoutTheKeyAndSaysWhichVariableToSet() {
    String wrong = "sk-wrong-99999999999999999999";
    ChatModel bad =
        ChatModels.open(
            Fixtures.openAi(server, RetryPolicy.DEFAULT)
                .withApiKey(ApiKey.of(wrong, "OPENAI_API_KEY")));

    assertThatThrownBy(() -> bad.chat(hello()))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.AUTH);
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage())
                  .startsWith(
                      "openai/gpt-4o-mini: the API key was rejected"
                          + " (HTTP 401: Incorrect API key provided: sk-***")
                  .endsWith(": set OPENAI_API_KEY to a valid key")
                  .doesNotContain(wrong)
                  .doesNotContain("99999999");
            });
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void anUnknownModelIsReportedAsSuch() {
    server.models("gpt-4o");

    assertThatThrownBy(() -> model.chat(hello()))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_MODEL);
              assertThat(e.getMessage()).contains("does not know model 'gpt-4o-mini'");
            });
  }

  @Test
  void aModelWithoutToolSupportIsReportedAsSuch() {
    server.withoutToolSupport("gpt-4o-mini");

    assertThatThrownBy(
            () ->
                model.chat(
                    ChatRequest.of(
                        List.of(new UserMessage("hi")), List.of(Fixtures.weatherTool()))))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.NO_TOOL_SUPPORT);
              assertThat(e.getMessage())
                  .contains("does not accept tools")
                  .endsWith(
                      "pick a model that supports tool calling (for Ollama, e.g. qwen2.5 or"
                          + " llama3.1)");
            });
  }

  @Test
  void serverMessagesAreClassifiedByTheirWords() {
    server.enqueue(
        OpenAiReplies.error(
            400,
            "This model's maximum context length is 8192"
                + " tokens. However, your messages resulted in 9000 tokens.",
            "invalid_request_error",
            "context_length_exceeded"));
    server.enqueue(
        OpenAiReplies.error(
            400,
            "\"auto\" tool choice requires"
                + " --enable-auto-tool-choice and --tool-call-parser to be set",
            "BadRequestError",
            null));
    server.enqueue(
        OpenAiReplies.error(
            429,
            "You exceeded your current quota, please check your" + " plan and billing details.",
            "insufficient_quota",
            "insufficient_quota"));
    server.enqueue(
        OpenAiReplies.error(
            400,
            "the request exceeds the available context size," + " try increasing it",
            "exceed_context_size_error",
            null));
    server.enqueue(
        OpenAiReplies.error(
            400, "invalid key " + Fixtures.KEY + " echoed", "invalid_request_error", null));

    assertThat(failure(hello()))
        .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.CONTEXT_TOO_LONG));
    assertThat(failure(hello()))
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.NO_TOOL_SUPPORT);
              assertThat(e.getMessage())
                  .endsWith(
                      "start vLLM with --enable-auto-tool-choice" + " --tool-call-parser <parser>");
            });
    assertThat(failure(hello()))
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.QUOTA);
              assertThat(e.retryable()).isFalse();
            });
    assertThat(failure(hello()).kind()).isEqualTo(Kind.CONTEXT_TOO_LONG);
    assertThat(failure(hello()).getMessage())
        .contains("invalid key *** echoed")
        .doesNotContain(Fixtures.KEY);
    assertThat(server.requestCount()).isEqualTo(5);
  }

  @Test
  void aServerThatIsNotListeningIsUnreachable() {
    ScriptedServer gone = ScriptedServer.start();
    gone.close();
    ChatModel m = ChatModels.open(Fixtures.openAi(gone, sleeps.policy().withMaxAttempts(2)));

    assertThatThrownBy(() -> m.chat(hello()))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
              assertThat(e.getMessage())
                  .startsWith("openai/gpt-4o-mini: cannot connect to " + gone.openAiBaseUrl())
                  .contains("gave up after 2 tries");
            });
  }

  @Test
  void aReplyThatStallsPastTheTimeoutFailsAsTimeout() {
    ChatModel impatient =
        ChatModels.open(
            Fixtures.openAi(server, RetryPolicy.NONE)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300)));
    server.enqueue(OpenAiReplies.text("late").withDelay(Duration.ofSeconds(5)));
    server.enqueue(OpenAiReplies.streamText("a", "b").stalledAfter(2));

    assertThatThrownBy(() -> impatient.chat(hello()))
        .isInstanceOfSatisfying(
            LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
    assertThatThrownBy(() -> impatient.stream(hello(), StreamListener.NONE))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
              assertThat(e.getMessage()).contains("the stream from").contains("stalled");
            });
  }

  @Test
  void anErrorEventInsideAStreamIsClassified() {
    server.enqueue(
        ScriptedReply.events(
            List.of(
                "data: {\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\","
                    + "\"code\":503}}")));
    server.enqueue(OpenAiReplies.streamText("ok"));

    assertThat(model.stream(hello(), StreamListener.NONE).text()).isEqualTo("ok");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void theModelsListingIsRead() {
    server.models("gpt-4o-mini", "gpt-4o");

    assertThat(model.models()).containsExactly("gpt-4o-mini", "gpt-4o");
    assertThat(server.takeRequest().path()).isEqualTo("/v1/models");
  }

  private LlmException failure(ChatRequest request) {
    try {
      model.chat(request);
    } catch (LlmException e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }
}
