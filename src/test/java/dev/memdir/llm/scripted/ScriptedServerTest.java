package dev.memdir.llm.scripted;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server checked on its own, with a plain HTTP client and hand-written JSON. */
class ScriptedServerTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String TOOLS =
      "\"tools\":[{\"type\":\"function\",\"function\":"
          + "{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":"
          + "{\"city\":{\"type\":\"string\"}}}}}]";

  private ScriptedServer server;

  @BeforeEach
  void start() {
    server = ScriptedServer.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(String path, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> openAi(String body) throws Exception {
    return post("/v1/chat/completions", body, Map.of("Content-Type", "application/json"));
  }

  private HttpResponse<String> anthropic(String body) throws Exception {
    return post("/v1/messages", body, Map.of("anthropic-version", "2023-06-01"));
  }

  private static String message(HttpResponse<String> r) throws IOException {
    return Wire.MAPPER.readTree(r.body()).path("error").path("message").asText();
  }

  @Test
  void aValidRequestGetsTheNextReplyAndIsRecorded() throws Exception {
    server.enqueue(OpenAiReplies.text("hi"));

    HttpResponse<String> r =
        openAi("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"," + "\"content\":\"hello\"}]}");

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = Wire.MAPPER.readTree(r.body());
    assertThat(body.path("choices").get(0).path("message").path("content").asText())
        .isEqualTo("hi");
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.header("content-type")).contains("application/json");
    assertThat(sent.json().path("messages").get(0).path("content").asText()).isEqualTo("hello");
    assertThat(sent.toString()).doesNotContain("content-type");
  }

  @Test
  void aToolMessageWhoseIdMatchesNoPrecedingToolCallIsRejectedLikeOpenAi() throws Exception {
    server.enqueue(OpenAiReplies.text("unused"));

    HttpResponse<String> r =
        openAi(
            "{\"model\":\"m\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_2\",\"content\":\"24 C\"}],"
                + TOOLS
                + "}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(message(r))
        .isEqualTo(
            "Invalid parameter: messages with role 'tool' must be a"
                + " response to a preceeding message with 'tool_calls'.");
    assertThat(Wire.MAPPER.readTree(r.body()).path("error").path("param").asText())
        .isEqualTo("messages.[2].role");
    assertThat(server.takeRequest().rejection()).isPresent();
    assertThat(server.pendingReplies()).isEqualTo(1);
  }

  @Test
  void toolCallsLeftUnansweredAreRejected() throws Exception {
    HttpResponse<String> r =
        openAi(
            "{\"model\":\"m\",\"messages\":["
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"user\",\"content\":\"and?\"}]}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(message(r)).endsWith("did not have response messages: call_1");
  }

  @Test
  void argumentsSentAsAnObjectInsteadOfAStringAreRejected() throws Exception {
    HttpResponse<String> r =
        openAi(
            "{\"model\":\"m\",\"messages\":["
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":{}}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"x\"}]}");

    assertThat(message(r))
        .isEqualTo(
            "Invalid type for"
                + " 'messages[0].tool_calls[0].function.arguments': expected a string, but got an"
                + " object instead.");
  }

  @Test
  void toolsWithInvalidSchemasAreRejectedByBothApis() throws Exception {
    String badSchema = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"str\"}}}";

    HttpResponse<String> o =
        openAi(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"parameters\":"
                + badSchema
                + "}}]}");
    HttpResponse<String> a =
        anthropic(
            "{\"model\":\"m\",\"max_tokens\":10,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"name\":\"f\",\"input_schema\":"
                + badSchema
                + "}]}");
    HttpResponse<String> notObject =
        openAi(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"parameters\":{\"type\":\"string\"}}}]}");

    assertThat(o.statusCode()).isEqualTo(400);
    assertThat(message(o))
        .isEqualTo(
            "Invalid schema for function 'f': In context=('properties',"
                + " 'city', 'type'), 'str' is not valid under any of the given schemas.");
    assertThat(a.statusCode()).isEqualTo(400);
    assertThat(message(a)).startsWith("tools.0.custom.input_schema: JSON schema is invalid.");
    assertThat(message(notObject))
        .isEqualTo(
            "Invalid schema for function 'f': schema must be a"
                + " JSON Schema of 'type: \"object\"', got 'type: \"string\"'.");
  }

  @Test
  void anInvalidToolNameIsRejected() throws Exception {
    HttpResponse<String> r =
        openAi(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
                + "\"get weather\"}}]}");

    assertThat(message(r))
        .isEqualTo(
            "Invalid 'tools[0].function.name': string does not match"
                + " pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.");
  }

  @Test
  void anthropicRequiresMaxTokensAndTheVersionHeader() throws Exception {
    HttpResponse<String> noMax =
        anthropic("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"," + "\"content\":\"hi\"}]}");
    HttpResponse<String> noVersion =
        post(
            "/v1/messages",
            "{\"model\":\"m\",\"max_tokens\":5,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            Map.of());

    assertThat(noMax.statusCode()).isEqualTo(400);
    JsonNode body = Wire.MAPPER.readTree(noMax.body());
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(message(noMax)).isEqualTo("max_tokens: Field required");
    assertThat(message(noVersion)).isEqualTo("anthropic-version: header is required");
  }

  @Test
  void anthropicRejectsWhatItsApiRejects() throws Exception {
    List<String> messages = new ArrayList<>();
    for (String m :
        List.of(
            "[{\"role\":\"system\",\"content\":\"be brief\"}]",
            "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\"}]}]",
            "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":\"what?\"}]",
            "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\"}]}]")) {
      messages.add(message(anthropic("{\"model\":\"m\",\"max_tokens\":5,\"messages\":" + m + "}")));
    }

    assertThat(messages)
        .containsExactly(
            "messages: Unexpected role \"system\". The Messages API accepts a top-level `system`"
                + " parameter, not \"system\" as an input message role.",
            "messages: text content blocks must be non-empty",
            "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after:"
                + " toolu_1. Each `tool_use` block must have a corresponding `tool_result` block in"
                + " the next message.",
            "messages.2: tool_result blocks must come first in the content array, before any other"
                + " content");
  }

  @Test
  void aMissingOrWrongKeyGetsTheApisOwn401() throws Exception {
    server.requireApiKey("sk-right-key-1234");

    HttpResponse<String> missing = openAi("{}");
    HttpResponse<String> wrong =
        post("/v1/chat/completions", "{}", Map.of("Authorization", "Bearer sk-wrong-key-5678"));
    HttpResponse<String> anthropicWrong =
        post("/v1/messages", "{}", Map.of("anthropic-version", "2023-06-01", "x-api-key", "nope"));

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(message(missing)).startsWith("You didn't provide an API key.");
    assertThat(message(wrong)).startsWith("Incorrect API key provided: sk-w*********5678.");
    assertThat(anthropicWrong.statusCode()).isEqualTo(401);
    assertThat(message(anthropicWrong)).isEqualTo("invalid x-api-key");
  }

  @Test
  void anEmptyQueueAnswers500SayingSo() throws Exception {
    HttpResponse<String> r =
        openAi("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"," + "\"content\":\"hi\"}]}");

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(message(r))
        .isEqualTo(
            "the scripted server has no reply left for POST"
                + " /v1/chat/completions: enqueue one per request");
  }

  @Test
  void aComputedReplySeesTheRequest() throws Exception {
    server.enqueue(
        ScriptedReply.computed(
            req ->
                OpenAiReplies.text(
                    "you said " + req.json().path("messages").get(0).path("content").asText())));

    HttpResponse<String> r =
        openAi("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"," + "\"content\":\"ping\"}]}");

    assertThat(r.body()).contains("you said ping");
  }

  @Test
  void streamsAreChunkedServerSentEvents() throws Exception {
    server.enqueue(OpenAiReplies.streamText("a", "b"));

    HttpResponse<String> r =
        openAi(
            "{\"model\":\"m\",\"stream\":true,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(r.headers().firstValue("content-type")).contains("text/event-stream");
    assertThat(r.headers().firstValue("transfer-encoding")).contains("chunked");
    assertThat(r.body())
        .startsWith("data: {")
        .endsWith("data: [DONE]\n\n")
        .contains("\"delta\":{\"content\":\"a\"}");
  }

  @Test
  void theModelsListingFollowsTheRequestsApi() throws Exception {
    server.models("a", "b");

    HttpResponse<String> openAi =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.openAiBaseUrl() + "/models")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> anthropic =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/models"))
                .header("anthropic-version", "2023-06-01")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(Wire.MAPPER.readTree(openAi.body()).path("object").asText()).isEqualTo("list");
    assertThat(Wire.MAPPER.readTree(anthropic.body()).path("has_more").asBoolean()).isFalse();
    assertThat(Wire.MAPPER.readTree(anthropic.body()).path("data").get(1).path("id").asText())
        .isEqualTo("b");
  }
}
