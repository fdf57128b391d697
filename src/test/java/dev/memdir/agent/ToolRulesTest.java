package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.TestAgents;
import dev.memdir.history.Record;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolRulesTest {
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

  private void rules(String rules) throws Exception {
    Files.writeString(
        dir.resolve("agent.yaml"),
        "name: ruled\nmodel: openai/gpt-4o-mini\n"
            + "tools: [memory_insert, memory_rethink, archival_memory_insert]\n"
            + "tool_rules:\n"
            + rules);
  }

  private Reply send(String message) {
    try (Agent agent = Agent.open(dir)) {
      return agent.send(message, Scripted.openAi(server));
    }
  }

  private List<Record> history() {
    try (Agent a = Agent.open(dir);
        Stream<Record> s = a.history().stream()) {
      return s.collect(Collectors.toList());
    }
  }

  @Test
  void runFirstOffersOnlyThoseToolsInTheFirstStepAndRequiresACall() throws Exception {
    rules("  run_first: [archival_memory_insert]\n");
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call("call_1", "archival_memory_insert", "{\"content\":\"Met Ada.\"}")));
    server.enqueue(OpenAiReplies.text("Hello."));
    assertThat(send("Hi, I am Ada.").text()).isEqualTo("Hello.");
    RecordedRequest first = server.takeRequest();
    assertThat(Scripted.tools(first)).containsExactly("archival_memory_insert");
    assertThat(first.json().path("tool_choice").asText()).isEqualTo("required");
    assertThat(Scripted.system(first))
        .contains(
            "<tool_usage_rules>\n- Your first step in each turn must call"
                + " archival_memory_insert.\n</tool_usage_rules>");
    RecordedRequest second = server.takeRequest();
    assertThat(Scripted.tools(second))
        .containsExactly("memory_insert", "memory_rethink", "archival_memory_insert");
    assertThat(second.json().path("tool_choice").asText()).isEqualTo("auto");
  }

  @Test
  void anExitLoopToolEndsTheTurnWithoutAnotherModelCall() throws Exception {
    rules("  exit_loop: [memory_rethink]\n");
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call(
                "call_1",
                "memory_rethink",
                "{\"label\":\"persona\",\"new_memory\":\"I am terse.\"}")));
    Reply r = send("Be terse.");
    assertThat(r.ending()).isEqualTo(Reply.Ending.TOOL);
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(history()).extracting(Record::role).containsExactly("user", "assistant", "tool");
  }

  @Test
  void requiredBeforeExitRemindsTheModelUntilTheToolWasCalled() throws Exception {
    rules("  required_before_exit: [memory_insert]\n");
    server.enqueue(OpenAiReplies.text("Bye."));
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call(
                "call_1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"Said bye.\"}")));
    server.enqueue(OpenAiReplies.text("Bye, noted."));
    Reply r = send("Bye!");
    assertThat(r.text()).isEqualTo("Bye, noted.");
    assertThat(r.steps()).hasSize(3);
    List<Record> h = history();
    assertThat(h)
        .extracting(Record::role)
        .containsExactly("user", "assistant", "system", "assistant", "tool", "assistant");
    assertThat(h.get(2).content()).isEqualTo("Your turn cannot end yet: first call memory_insert.");
    server.takeRequest();
    assertThat(Scripted.conversation(server.takeRequest()))
        .containsExactly(
            "user: Bye!",
            "assistant: Bye.",
            "system: Your turn cannot end yet: first call memory_insert.");
  }
}
