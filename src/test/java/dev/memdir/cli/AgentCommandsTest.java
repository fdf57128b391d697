package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memdir send}, {@code chat} and {@code context} against a scripted model. */
class AgentCommandsTest {
  @TempDir Path tmp;
  Path dir;
  ScriptedServer server;

  record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() {
    dir = tmp.resolve("ada");
    assertThat(run("", "init", dir.toString(), "--name", "ada", "--human", "Name: Ada").code())
        .isZero();
    server = ScriptedServer.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private Result run(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintWriter(out),
            new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  private Result withModel(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--model", "openai/gpt-4o-mini", "--base-url", server.openAiBaseUrl()));
    return run(stdin, all.toArray(String[]::new));
  }

  private static ScriptedToolCall insert(String text) {
    return new ScriptedToolCall(
        "call_1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"" + text + "\"}");
  }

  @Test
  void sendPrintsTheReplyAndTheFilesShowTheEdit() throws Exception {
    server.enqueue(OpenAiReplies.toolCalls(insert("Likes tea.")));
    server.enqueue(OpenAiReplies.text("Tea it is."));
    Result r = withModel("", "send", dir.toString(), "I like tea.");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("Tea it is.\n");
    assertThat(Files.readString(dir.resolve("memory/human.md")))
        .endsWith("Name: Ada\nLikes tea.\n");
  }

  @Test
  void sendJsonPrintsTheWholeStepTrace() throws Exception {
    server.enqueue(OpenAiReplies.toolCalls(insert("Likes tea.")));
    server.enqueue(OpenAiReplies.text("Tea it is."));
    Result r = withModel("I like tea.\n", "send", dir.toString(), "-", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.path("reply").asText()).isEqualTo("Tea it is.");
    assertThat(j.path("ending").asText()).isEqualTo("reply");
    assertThat(j.path("steps")).hasSize(2);
    JsonNode call = j.path("steps").path(0).path("tool_calls").path(0);
    assertThat(call.path("name").asText()).isEqualTo("memory_insert");
    assertThat(call.path("error").asBoolean()).isFalse();
    assertThat(j.path("steps").path(0).path("context_tokens").asLong()).isPositive();
    assertThat(j.path("steps").path(1).path("ms").has("model")).isTrue();
  }

  @Test
  void sendFailsWithExitOneWhenTheTurnRunsOutOfSteps() throws Exception {
    Path yaml = dir.resolve("agent.yaml");
    Files.writeString(yaml, Files.readString(yaml).replace("max_steps: 20", "max_steps: 1"));
    server.enqueue(OpenAiReplies.toolCalls(insert("x")));
    Result r = withModel("", "send", dir.toString(), "loop");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "memdir: the turn stopped after 1 steps (max_steps in agent.yaml) without an"
                + " answer\n");
  }

  @Test
  void sendReportsAModelFailureOnOneLine() {
    server.enqueue(
        OpenAiReplies.error(
            401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"));
    Result r = withModel("", "send", dir.toString(), "hi");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("memdir: openai/gpt-4o-mini: ").contains("(HTTP 401");
    assertThat(r.err().lines().count()).isEqualTo(1);
  }

  @Test
  void contextPrintsEachSectionWithItsTokens() {
    Result r = run("", "context", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("context window of ada: ")
        .contains("tokens counted with cl100k_base; 0 of 0 history records in the window")
        .containsPattern("\\n  core memory +\\d+\\n")
        .contains("== core memory (")
        .contains("<value>\nName: Ada\n</value>");
    Result brief = run("", "context", dir.toString(), "--brief");
    assertThat(brief.out()).doesNotContain("<memory_blocks>").contains("  total ");
  }

  @Test
  void showFlagsABlockThatIsNearlyFull() {
    assertThat(
            run(
                    "",
                    "memory",
                    "create",
                    dir.toString(),
                    "notes",
                    "--limit",
                    "10",
                    "--value",
                    "123456789")
                .code())
        .isZero();
    assertThat(run("", "show", dir.toString()).out())
        .contains("  notes        9 / 10 chars  nearly full (the agent is told to condense it)");
  }

  @Test
  void chatStreamsRepliesShowsToolCallsAndAnswersSlashCommands() {
    server.enqueue(OpenAiReplies.streamToolCalls(insert("Likes tea.")));
    server.enqueue(OpenAiReplies.streamText("Tea", " it is."));
    Result r =
        withModel("I like tea.\n/memory\n/context\n/nonsense\n/quit\n", "chat", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("chatting with ada (openai/gpt-4o-mini); /memory, /context, /quit")
        .contains(
            "you>   . memory_insert {\"label\":\"human\",\"new_str\":\"Likes tea.\"} -> ok\n"
                + "agent> Tea it is.\n")
        .contains("== human (20 / 5000 chars)")
        .contains("Name: Ada\nLikes tea.")
        .contains("context window of ada: ")
        .contains("unknown command /nonsense; commands: /memory, /context, /quit");
  }

  @Test
  void aFailedTurnInChatIsReportedAndTheChatGoesOn() {
    server.enqueue(OpenAiReplies.error(400, "Something is off.", "invalid_request_error", null));
    server.enqueue(OpenAiReplies.streamText("Back."));
    Result r = withModel("hello\nagain\n", "chat", dir.toString());
    assertThat(r.code()).isZero();
    assertThat(r.err()).startsWith("memdir: openai/gpt-4o-mini: ").contains("Something is off.");
    assertThat(r.out()).contains("agent> Back.");
    assertThat(server.requestCount()).isEqualTo(2);
  }
}
