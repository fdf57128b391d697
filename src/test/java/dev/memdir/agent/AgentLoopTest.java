package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.TestAgents;
import dev.memdir.archival.Fact;
import dev.memdir.history.Record;
import dev.memdir.llm.scripted.AnthropicReplies;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentLoopTest {
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

  private List<Record> history() {
    try (Agent a = Agent.open(dir);
        Stream<Record> s = a.history().stream()) {
      return s.collect(Collectors.toList());
    }
  }

  @Test
  void aTurnEditsCoreMemoryStoresAFactAndRepliesAndTheFilesShowExactlyThat() throws Exception {
    String humanBefore = Files.readString(dir.resolve("memory/human.md"));
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call("call_1", "memory_insert",
                "{\"label\":\"human\",\"new_str\":\"Prefers green tea.\"}"),
            Scripted.call("call_2", "archival_memory_insert",
                "{\"content\":\"Ada's thesis is due on 2027-03-01.\",\"tags\":[\"deadlines\"]}")));
    server.enqueue(OpenAiReplies.text("Noted: green tea, and the thesis deadline."));

    Reply reply;
    try (Agent agent = Agent.open(dir)) {
      reply = agent.send("I like green tea. My thesis is due 2027-03-01.", Scripted.openAi(server));
      List<Fact> facts = agent.archival().list().facts();
      assertThat(facts).extracting(Fact::text).containsExactly("Ada's thesis is due on 2027-03-01.");
      assertThat(facts.get(0).tags()).containsExactly("deadlines");
    }

    assertThat(reply.text()).isEqualTo("Noted: green tea, and the thesis deadline.");
    assertThat(reply.ending()).isEqualTo(Reply.Ending.REPLY);
    assertThat(reply.steps()).hasSize(2);
    assertThat(reply.steps().get(0).toolRuns())
        .extracting(ToolRun::name, ToolRun::error)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("memory_insert", false),
            org.assertj.core.groups.Tuple.tuple("archival_memory_insert", false));
    assertThat(Files.readString(dir.resolve("memory/human.md")))
        .isEqualTo(humanBefore.replace("yet.\n", "yet.\nPrefers green tea.\n"));
    try (Stream<Path> files = Files.list(dir.resolve("archival"))) {
      assertThat(files.count()).isEqualTo(1);
    }
    assertThat(history())
        .extracting(Record::role)
        .containsExactly("user", "assistant", "tool", "tool", "assistant");

    RecordedRequest first = server.takeRequest();
    assertThat(Scripted.system(first))
        .startsWith("You are a stateful agent")
        .contains("<memory_blocks>")
        .contains("<human>\n<description>\nWhat the agent knows about the person it talks to.")
        .contains("- chars_current=33\n- chars_limit=5000\n")
        .contains("<memory_metadata>");
    assertThat(Scripted.tools(first)).contains("memory_insert", "archival_memory_insert");
    assertThat(Scripted.conversation(first))
        .containsExactly("user: I like green tea. My thesis is due 2027-03-01.");
    RecordedRequest second = server.takeRequest();
    assertThat(Scripted.system(second)).contains("Nothing known about the user yet.\nPrefers green tea.");
    assertThat(Scripted.conversation(second)).hasSize(4);
    assertThat(Scripted.conversation(second).get(2))
        .startsWith("tool: Edited core memory block 'human': it now holds 52 / 5000 chars.");
  }

  @Test
  void anthropicRoundTripKeepsToolUseAndResultsPairedAcrossSteps() {
    server.enqueue(
        AnthropicReplies.toolUse(
            "Let me note that.",
            Scripted.call("toolu_1", "memory_insert",
                "{\"label\":\"human\",\"new_str\":\"Name: Ada.\"}")));
    server.enqueue(AnthropicReplies.text("Hello Ada."));
    server.enqueue(AnthropicReplies.text("Still Ada."));
    try (Agent agent = Agent.open(dir)) {
      assertThat(agent.send("I am Ada.", Scripted.anthropic(server)).text()).isEqualTo("Hello Ada.");
      assertThat(agent.memory().get("human").value()).endsWith("\nName: Ada.");
      assertThat(agent.send("Who am I?", Scripted.anthropic(server)).text()).isEqualTo("Still Ada.");
    }
    server.takeRequest();
    RecordedRequest second = server.takeRequest();
    assertThat(second.rejection()).isEmpty();
    assertThat(second.json().path("system").asText()).contains("Name: Ada.");
    RecordedRequest third = server.takeRequest();
    assertThat(third.rejection()).isEmpty();
    // user, assistant (text + tool_use), user (tool_result), assistant, user
    assertThat(third.json().path("messages")).hasSize(5);
    assertThat(third.json().path("messages").path(2).path("content").path(0).path("type").asText())
        .isEqualTo("tool_result");
  }

  @Test
  void aListenerHearsTheStreamedReplyAndEachToolCall() {
    server.enqueue(
        OpenAiReplies.streamToolCalls(
            Scripted.call("call_1", "memory_insert",
                "{\"label\":\"human\",\"new_str\":\"Likes jazz.\"}")));
    server.enqueue(OpenAiReplies.streamText("Jazz", " noted", "."));
    List<String> heard = new ArrayList<>();
    TurnListener listener =
        new TurnListener() {
          @Override
          public void onText(String delta) {
            heard.add("text " + delta);
          }

          @Override
          public void onToolCall(String name, String arguments) {
            heard.add("call " + name + " " + arguments);
          }

          @Override
          public void onToolResult(String name, String result, boolean error) {
            heard.add("result " + name + " " + error);
          }
        };
    try (Agent agent = Agent.open(dir)) {
      Reply r = agent.send("I like jazz.", Scripted.openAi(server), listener);
      assertThat(r.text()).isEqualTo("Jazz noted.");
    }
    assertThat(heard)
        .containsExactly(
            "call memory_insert {\"label\":\"human\",\"new_str\":\"Likes jazz.\"}",
            "result memory_insert false",
            "text Jazz",
            "text  noted",
            "text .");
    assertThat(server.takeRequest().json().path("stream").asBoolean()).isTrue();
  }

  @Test
  void sendMessageEndsTheTurnWithItsMessageAsTheReply() throws Exception {
    Files.writeString(
        dir.resolve("agent.yaml"),
        "name: memgpt\nmodel: openai/gpt-4o-mini\ntools: [core_memory_append, send_message]\n");
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call("call_1", "send_message", "{\"message\":\"Hi, I am here.\"}")));
    try (Agent agent = Agent.open(dir)) {
      Reply r = agent.send("Hello?", Scripted.openAi(server));
      assertThat(r.text()).isEqualTo("Hi, I am here.");
      assertThat(r.ending()).isEqualTo(Reply.Ending.TOOL);
    }
    assertThat(Scripted.tools(server.takeRequest()))
        .containsExactly("core_memory_append", "send_message");
    assertThat(history()).extracting(Record::role).containsExactly("user", "assistant", "tool");
    assertThat(history().get(2).content()).isEqualTo("Sent.");
  }
}
