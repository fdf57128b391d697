package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code send} and {@code chat} show and return when a turn fails or the model refuses. */
class FailedTurnCommandsTest {
  @TempDir Path tmp;
  Path dir;
  ScriptedServer server;

  @BeforeEach
  void setUp() {
    dir = tmp.resolve("ada");
    assertThat(run("", "init", dir.toString(), "--name", "ada").code()).isZero();
    server = ScriptedServer.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private static CliTest.Result run(String stdin, String... args) {
    return CliTest.runWithInput(stdin, args);
  }

  private CliTest.Result withModel(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--model", "openai/gpt-4o-mini", "--base-url", server.openAiBaseUrl()));
    return run(stdin, all.toArray(String[]::new));
  }

  private static ScriptedReply unauthorized() {
    return OpenAiReplies.error(401, "Incorrect API key provided.", "invalid_request_error", null);
  }

  @Test
  void sendJsonPrintsAnErrorObjectAndExitsOneWhenTheTurnFails() throws Exception {
    server.enqueue(unauthorized());

    CliTest.Result r = withModel("", "send", dir.toString(), "hi", "--json");

    assertThat(r.code()).isEqualTo(1);
    JsonNode error = new ObjectMapper().readTree(r.out()).path("error");
    assertThat(error.path("kind").asText()).isEqualTo("auth");
    assertThat(error.path("retryable").asBoolean()).isFalse();
    assertThat(error.path("status").asInt()).isEqualTo(401);
    assertThat(error.path("message").asText()).startsWith("openai/gpt-4o-mini: ");
    assertThat(r.err()).startsWith("memdir: openai/gpt-4o-mini: ");
  }

  @Test
  void chatExitsOneWhenItsLastTurnFailed() {
    server.enqueue(unauthorized());

    CliTest.Result r = withModel("hello\n", "chat", dir.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("memdir: openai/gpt-4o-mini: ").contains("HTTP 401");
  }

  @Test
  void chatShowsARefusalAsTheAgentsReply() {
    server.enqueue(OpenAiReplies.streamRefusal("I can't help with that."));

    CliTest.Result r = withModel("help me\n", "chat", dir.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("agent> (the model refused: I can't help with that.)");
  }
}
