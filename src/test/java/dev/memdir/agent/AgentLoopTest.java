package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.TestAgents;
import dev.memdir.archival.Fact;
import dev.memdir.format.AgentConfig;
import dev.memdir.history.Record;
import dev.memdir.llm.scripted.AnthropicReplies;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  /** Every file outside .memdir/, by path relative to the agent, with its text. */
  private Map<String, String> files() throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (!rel.startsWith(".memdir/")) {
          out.put(rel, Files.readString(p));
        }
      }
    }
    return out;
  }

  @Test
  void aTurnEditsMemoryStoresAndFindsAFactGrepsOpensAFileAndTheFilesShowExactlyThat()
      throws Exception {
    Files.writeString(
        dir.resolve("files/notes.md"),
        "# Reading list\nAttention is all you need.\nLong-context evaluation: LoCoMo.\n");
    Map<String, String> before = files();
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call(
                "call_1",
                "memory_insert",
                "{\"label\":\"human\",\"new_str\":\"Prefers green tea.\"}"),
            Scripted.call(
                "call_2",
                "archival_memory_insert",
                "{\"content\":\"Ada's thesis is due on 2027-03-01.\",\"tags\":[\"deadlines\"]}"),
            Scripted.call("call_3", "archival_memory_search", "{\"query\":\"thesis due\"}")));
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call("call_4", "grep_files", "{\"pattern\":\"LoCoMo\"}"),
            Scripted.call(
                "call_5",
                "open_files",
                "{\"file_requests\":[{\"file_name\":\"notes.md\",\"offset\":2,"
                    + "\"length\":2}]}")));
    server.enqueue(OpenAiReplies.text("Noted: green tea, and the thesis deadline."));

    Reply reply;
    try (Agent agent = Agent.open(dir)) {
      reply = agent.send("I like green tea. My thesis is due 2027-03-01.", Scripted.openAi(server));
      List<Fact> facts = agent.archival().list().facts();
      assertThat(facts)
          .extracting(Fact::text)
          .containsExactly("Ada's thesis is due on 2027-03-01.");
      assertThat(facts.get(0).tags()).containsExactly("deadlines");
      assertThat(agent.search().openWindows().hits())
          .extracting(w -> w.file() + ":" + w.offset() + "+" + w.lines().size())
          .containsExactly("notes.md:2+2");
    }

    assertThat(reply.text()).isEqualTo("Noted: green tea, and the thesis deadline.");
    assertThat(reply.ending()).isEqualTo(Reply.Ending.REPLY);
    assertThat(reply.steps()).hasSize(3);
    List<ToolRun> runs = new ArrayList<>(reply.steps().get(0).toolRuns());
    runs.addAll(reply.steps().get(1).toolRuns());
    assertThat(runs).extracting(ToolRun::error).containsOnly(false);
    assertThat(runs.get(2).result()).contains("Ada's thesis is due on 2027-03-01.");
    assertThat(runs.get(3).result()).isEqualTo("notes.md:3:Long-context evaluation: LoCoMo.");
    assertThat(runs.get(4).result())
        .startsWith("Opened [notes.md lines 2–3 of 3]; the lines are in <file_windows>");

    Map<String, String> after = files();
    Map<String, String> changed = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          if (!v.equals(before.get(k))) {
            changed.put(k, v);
          }
        });
    assertThat(before.keySet()).isSubsetOf(after.keySet());
    assertThat(changed.keySet())
        .hasSize(3)
        .contains("memory/human.md")
        .anyMatch(
            k -> k.matches("archival/\\d{4}-\\d{2}-\\d{2}-ada-s-thesis-is-due-on-[0-9a-f]{6}\\.md"))
        .anyMatch(k -> k.matches("history/\\d{4}-\\d{2}\\.jsonl"));
    assertThat(changed.get("memory/human.md"))
        .isEqualTo(before.get("memory/human.md").replace("yet.\n", "yet.\nPrefers green tea.\n"));
    assertThat(history())
        .extracting(Record::role)
        .containsExactly(
            "user", "assistant", "tool", "tool", "tool", "assistant", "tool", "tool", "assistant");

    RecordedRequest first = server.takeRequest();
    assertThat(Scripted.system(first))
        .startsWith("You are a stateful agent")
        .contains("<memory_blocks>")
        .contains("<human>\n<description>\nWhat the agent knows about the person it talks to.")
        .contains("- chars_current=33\n- chars_limit=5000\n")
        .contains("<memory_metadata>")
        .contains("- 1 file is under files/; none is open.")
        .doesNotContain("<file_windows>");
    assertThat(Scripted.tools(first))
        .containsExactly(
            "memory_replace",
            "memory_insert",
            "memory_rethink",
            "archival_memory_insert",
            "archival_memory_search",
            "conversation_search",
            "grep_files",
            "open_files",
            "close_files",
            "search_files");
    assertThat(Scripted.conversation(first))
        .containsExactly("user: I like green tea. My thesis is due 2027-03-01.");
    RecordedRequest second = server.takeRequest();
    assertThat(Scripted.system(second))
        .contains("Nothing known about the user yet.\nPrefers green tea.");
    assertThat(Scripted.conversation(second)).hasSize(5);
    assertThat(Scripted.conversation(second).get(2))
        .startsWith("tool: Edited core memory block 'human': it now holds 52 / 5000 chars.");
    RecordedRequest third = server.takeRequest();
    assertThat(Scripted.system(third))
        .contains("- 1 file is under files/; open: notes.md.")
        .contains(
            "<file_windows>\nFiles you opened with open_files; close_files closes them.\n"
                + "[notes.md lines 2–3 of 3]\n2: Attention is all you need.\n"
                + "3: Long-context evaluation: LoCoMo.\n");
  }

  @Test
  void aFileNameThatEscapesFilesIsRefusedAndNothingOpens() throws Exception {
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call(
                "call_1", "open_files", "{\"file_requests\":[{\"file_name\":\"../agent.yaml\"}]}"),
            Scripted.call(
                "call_2", "grep_files", "{\"pattern\":\"model\",\"include\":\"../*.yaml\"}")));
    server.enqueue(OpenAiReplies.text("I cannot open that."));
    Reply r;
    try (Agent agent = Agent.open(dir)) {
      r = agent.send("Show me your settings.", Scripted.openAi(server));
      assertThat(agent.search().openWindows().hits()).isEmpty();
    }
    List<ToolRun> runs = r.steps().get(0).toolRuns();
    assertThat(runs.get(0).error()).isTrue();
    assertThat(runs.get(0).result())
        .isEqualTo("Error: file_name '../agent.yaml' contains '..'; paths stay inside files/");
    // A glob cannot reach outside files/ either: agent.yaml's text never comes back.
    assertThat(runs.get(1).result()).doesNotContain("gpt-4o-mini");
    assertThat(r.text()).isEqualTo("I cannot open that.");
  }

  @Test
  void anthropicRoundTripKeepsToolUseAndResultsPairedAcrossSteps() {
    server.enqueue(
        AnthropicReplies.toolUse(
            "Let me note that.",
            Scripted.call(
                "toolu_1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"Name: Ada.\"}")));
    server.enqueue(AnthropicReplies.text("Hello Ada."));
    server.enqueue(AnthropicReplies.text("Still Ada."));
    try (Agent agent = Agent.open(dir)) {
      assertThat(agent.send("I am Ada.", Scripted.anthropic(server)).text())
          .isEqualTo("Hello Ada.");
      assertThat(agent.memory().get("human").value()).endsWith("\nName: Ada.");
      assertThat(agent.send("Who am I?", Scripted.anthropic(server)).text())
          .isEqualTo("Still Ada.");
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
            Scripted.call(
                "call_1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"Likes jazz.\"}")));
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

  @Test
  void everyToolSchemaIsAcceptedByBothApis() throws Exception {
    Files.writeString(
        dir.resolve("agent.yaml"),
        "name: all\nmodel: openai/gpt-4o-mini\ntools: ["
            + String.join(", ", AgentConfig.KNOWN_TOOLS)
            + "]\n");
    server.enqueue(OpenAiReplies.text("ok"));
    server.enqueue(AnthropicReplies.text("ok"));
    try (Agent agent = Agent.open(dir)) {
      agent.send("hi", Scripted.openAi(server));
      agent.send("hi", Scripted.anthropic(server));
    }
    RecordedRequest openAi = server.takeRequest();
    assertThat(openAi.rejection()).isEmpty();
    assertThat(Scripted.tools(openAi)).containsExactlyElementsOf(AgentConfig.KNOWN_TOOLS);
    RecordedRequest anthropic = server.takeRequest();
    assertThat(anthropic.rejection()).isEmpty();
    assertThat(anthropic.json().path("tools")).hasSize(AgentConfig.KNOWN_TOOLS.size());
  }

  @Test
  void recordsAnotherWriterAppendsBetweenTurnsAreInTheNextRequest() {
    server.enqueue(OpenAiReplies.text("one"));
    server.enqueue(OpenAiReplies.text("two"));
    try (Agent agent = Agent.open(dir)) {
      agent.send("first", Scripted.openAi(server));
      try (Agent other = Agent.open(dir)) {
        other.history().append(dev.memdir.history.Message.user("typed elsewhere"));
      }
      agent.send("second", Scripted.openAi(server));
    }
    server.takeRequest();
    assertThat(Scripted.conversation(server.takeRequest()))
        .containsExactly("user: first", "assistant: one", "user: typed elsewhere", "user: second");
  }
}
