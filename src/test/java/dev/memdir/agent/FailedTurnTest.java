package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.Agent;
import dev.memdir.LlmException;
import dev.memdir.TestAgents;
import dev.memdir.history.Record;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatModels;
import dev.memdir.llm.ModelConfig;
import dev.memdir.llm.RetryPolicy;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A turn that fails leaves a history that says so and that the next turn continues cleanly. */
class FailedTurnTest {
  @TempDir Path dir;
  ScriptedServer server;

  @BeforeEach
  void setUp() {
    TestAgents.create(dir).close();
    server = ScriptedServer.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private List<String> roles() {
    try (Agent a = Agent.open(dir);
        Stream<Record> s = a.history().stream()) {
      return s.map(r -> r.role() + (r.field("error").isPresent() ? " error" : ""))
          .collect(Collectors.toList());
    }
  }

  private static List<String> userMessages(List<String> conversation) {
    return conversation.stream().filter(m -> m.startsWith("user: ")).toList();
  }

  @Test
  void threeRefusedSendsLeaveOneErrorRecordEachAndTheNextTurnSendsOnlyItsOwnMessage() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(
          OpenAiReplies.error(401, "Incorrect API key provided.", "invalid_request_error", null));
    }
    server.enqueue(OpenAiReplies.text("Hello again."));
    try (Agent agent = Agent.open(dir)) {
      for (String m : List.of("one", "two", "three")) {
        assertThatThrownBy(() -> agent.send(m, Scripted.openAi(server)))
            .isInstanceOf(LlmException.class);
      }
      assertThat(agent.send("four", Scripted.openAi(server)).text()).isEqualTo("Hello again.");
    }

    assertThat(roles())
        .containsExactly(
            "user",
            "event error",
            "user",
            "event error",
            "user",
            "event error",
            "user",
            "assistant");
    for (int i = 0; i < 3; i++) {
      assertThat(userMessages(Scripted.conversation(server.takeRequest())))
          .containsExactly("user: " + List.of("one", "two", "three").get(i));
    }
    assertThat(userMessages(Scripted.conversation(server.takeRequest())))
        .containsExactly("user: four");
    assertThat(HistoryConsistency.problems(dir)).isEmpty();
  }

  @Test
  void anErrorRecordSaysWhatFailedAndNamesTheMessageNoModelAnswered() {
    server.enqueue(
        OpenAiReplies.error(401, "Incorrect API key provided.", "invalid_request_error", null));
    try (Agent agent = Agent.open(dir)) {
      assertThatThrownBy(() -> agent.send("hi", Scripted.openAi(server)))
          .isInstanceOf(LlmException.class);
    }

    JsonNode error = HistoryConsistency.errorRecords(dir).get(0);
    assertThat(error.path("error").asText()).isEqualTo("auth");
    assertThat(error.path("content").asText())
        .startsWith("the turn failed: openai/gpt-4o-mini: the server wants an API key")
        .contains("(HTTP 401");
    try (Agent a = Agent.open(dir);
        Stream<Record> s = a.history().stream()) {
      assertThat(error.path("unanswered").asText()).isEqualTo(s.findFirst().orElseThrow().id());
    }
  }

  @Test
  void noServerAtAllFailsCleanlyToo() {
    String url = server.openAiBaseUrl();
    server.close();
    ChatModel nowhere =
        ChatModels.open(
            ModelConfig.resolve("openai/gpt-4o-mini", Optional.of(url), Map.of())
                .withRetry(RetryPolicy.NONE)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)));
    try (Agent agent = Agent.open(dir)) {
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> agent.send("anyone?", nowhere))
            .isInstanceOfSatisfying(
                LlmException.class,
                e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.UNREACHABLE));
      }
    }

    assertThat(roles()).containsExactly("user", "event error", "user", "event error");
    assertThat(HistoryConsistency.errorRecords(dir).get(0).path("error").asText())
        .isEqualTo("unreachable");
    assertThat(HistoryConsistency.problems(dir)).isEmpty();
  }

  @Test
  void aTurnThatFailsAfterAToolStepKeepsItsMessageAndEndsWithOneErrorRecord() {
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call(
                "call_1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"Tea.\"}")));
    server.enqueue(OpenAiReplies.serverError());
    server.enqueue(OpenAiReplies.text("Noted."));
    try (Agent agent = Agent.open(dir)) {
      assertThatThrownBy(() -> agent.send("I like tea.", Scripted.openAi(server)))
          .isInstanceOf(LlmException.class);
      agent.send("Did you note it?", Scripted.openAi(server));
    }

    assertThat(roles())
        .containsExactly("user", "assistant", "tool", "event error", "user", "assistant");
    assertThat(HistoryConsistency.errorRecords(dir).get(0).has("unanswered")).isFalse();
    server.takeRequest();
    server.takeRequest();
    assertThat(userMessages(Scripted.conversation(server.takeRequest())))
        .containsExactly("user: I like tea.", "user: Did you note it?");
    assertThat(HistoryConsistency.problems(dir)).isEmpty();
  }

  @Test
  void aRefusalIsTheReplyTheUserSeesWithItsStopReasonInTheTrace() {
    var body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    var choice = body.putArray("choices").addObject().put("finish_reason", "stop");
    choice.putObject("message").put("role", "assistant").putNull("content").put("refusal", "No.");
    server.enqueue(ScriptedReply.json(200, body));
    Reply r;
    try (Agent agent = Agent.open(dir)) {
      r = agent.send("Tell me a secret.", Scripted.openAi(server));
    }

    assertThat(r.text()).isEqualTo("(the model refused: No.)");
    assertThat(r.steps().get(0).stopReason()).isEqualTo("refusal");
    assertThat(r.toJson().path("steps").path(0).path("refusal").asText()).isEqualTo("No.");
    assertThat(roles()).containsExactly("user", "assistant");
  }

  @Test
  void reasoningAndCachedTokensAreInTheStepTraceButNotInTheNextPrompt() {
    var body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    var choice = body.putArray("choices").addObject().put("finish_reason", "stop");
    choice
        .putObject("message")
        .put("role", "assistant")
        .put("content", "Paris.")
        .put("reasoning", "The capital of France is Paris.");
    body.putObject("usage")
        .put("prompt_tokens", 100)
        .put("completion_tokens", 5)
        .putObject("prompt_tokens_details")
        .put("cached_tokens", 64);
    server.enqueue(ScriptedReply.json(200, body));
    server.enqueue(OpenAiReplies.text("Yes."));
    Reply r;
    try (Agent agent = Agent.open(dir)) {
      r = agent.send("Capital of France?", Scripted.openAi(server));
      agent.send("Sure?", Scripted.openAi(server));
    }

    JsonNode step = r.toJson().path("steps").path(0);
    assertThat(step.path("reasoning").asText()).isEqualTo("The capital of France is Paris.");
    assertThat(step.path("usage").path("cached_input_tokens").asLong()).isEqualTo(64);
    assertThat(r.toJson().path("usage").path("cached_input_tokens").asLong()).isEqualTo(64);
    server.takeRequest();
    assertThat(server.takeRequest().json().toString()).doesNotContain("capital of France is");
  }
}
