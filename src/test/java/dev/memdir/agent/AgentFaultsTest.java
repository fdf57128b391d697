package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.memdir.Agent;
import dev.memdir.LlmException;
import dev.memdir.TestAgents;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the loop does when a tool call or the model goes wrong: nothing is lost or corrupted. */
class AgentFaultsTest {
  @TempDir Path dir;
  ScriptedServer server;
  String agentYaml;
  String humanMd;

  @BeforeEach
  void setUp() throws Exception {
    TestAgents.create(dir).close();
    server = ScriptedServer.start();
    agentYaml = Files.readString(dir.resolve("agent.yaml"));
    humanMd = Files.readString(dir.resolve("memory/human.md"));
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

  /** Sends one message whose first step makes {@code call}, then replies "done". */
  private Reply oneCall(ScriptedToolCall call) {
    server.enqueue(OpenAiReplies.toolCalls(call));
    server.enqueue(OpenAiReplies.text("done"));
    try (Agent agent = Agent.open(dir)) {
      return agent.send("go", Scripted.openAi(server));
    }
  }

  private static ToolRun onlyRun(Reply r) {
    assertThat(r.steps().get(0).toolRuns()).hasSize(1);
    return r.steps().get(0).toolRuns().get(0);
  }

  @Test
  void aLabelThatEscapesTheMemoryFolderIsRefusedAndNothingIsWritten() throws Exception {
    Reply r =
        oneCall(
            Scripted.call(
                "call_1",
                "memory_rethink",
                "{\"label\":\"../agent\",\"new_memory\":\"model: openai/evil\"}"));
    ToolRun run = onlyRun(r);
    assertThat(run.error()).isTrue();
    assertThat(run.result())
        .isEqualTo(
            "Error: invalid block label \"../agent\": use 1 to 64 letters, digits, '_', '-' or"
                + " '.', starting with a letter or digit, in 1 to 8 parts separated by '/' (like"
                + " human or system/human)");
    assertThat(r.text()).isEqualTo("done");
    assertThat(Files.readString(dir.resolve("agent.yaml"))).isEqualTo(agentYaml);
    assertThat(Files.exists(dir.resolve("agent.md"))).isFalse();
    server.takeRequest();
    assertThat(Scripted.conversation(server.takeRequest()).get(2))
        .startsWith("tool: Error: invalid block label");
  }

  @Test
  void anUnknownToolGetsAnErrorListingTheToolsAndTheTurnGoesOn() {
    Reply r = oneCall(Scripted.call("call_1", "delete_everything", "{}"));
    assertThat(onlyRun(r).result())
        .startsWith("Error: there is no tool 'delete_everything'; your tools are: memory_replace,");
    assertThat(r.text()).isEqualTo("done");
    assertThat(history())
        .extracting(Record::role)
        .containsExactly("user", "assistant", "tool", "assistant");
    assertThat(history().get(2).field("is_error").orElseThrow().asBoolean()).isTrue();
  }

  @Test
  void aToolNameTheApisWouldRefuseIsSentBackCleaned() {
    Reply r = oneCall(Scripted.call("call_1", "memory.insert now", "{}"));
    assertThat(onlyRun(r).result()).startsWith("Error: there is no tool 'memory.insert now'");
    server.takeRequest();
    RecordedRequest second = server.takeRequest();
    assertThat(second.rejection()).isEmpty();
    assertThat(Scripted.conversation(second).get(1))
        .isEqualTo("assistant:  -> memory_insert_now {}");
  }

  @Test
  void anEditOverTheBlockLimitIsRefusedWithCharsUsedAndTheFileIsUntouched() throws Exception {
    String big = "x".repeat(5000);
    Reply r =
        oneCall(
            Scripted.call(
                "call_1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"" + big + "\"}"));
    assertThat(onlyRun(r).result())
        .isEqualTo(
            "Error: edit refused: block 'human' would hold 5034 / 5000 chars, over its limit by 34;"
                + " shorten the text or rethink the block");
    assertThat(Files.readString(dir.resolve("memory/human.md"))).isEqualTo(humanMd);
  }

  @Test
  void argumentsThatAreNotJsonOrMissOrHaveTheWrongTypeComeBackAsErrors() throws Exception {
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call("call_1", "memory_insert", "{\"label\": \"human\", new_str}"),
            Scripted.call("call_2", "memory_insert", "{\"label\":\"human\",\"text\":\"hi\"}"),
            Scripted.call(
                "call_3",
                "memory_insert",
                "{\"label\":\"human\",\"new_str\":\"x\",\"insert_line\":\"top\"}")));
    server.enqueue(OpenAiReplies.text("sorry"));
    Reply r;
    try (Agent agent = Agent.open(dir)) {
      r = agent.send("go", Scripted.openAi(server));
    }
    List<ToolRun> runs = r.steps().get(0).toolRuns();
    assertThat(runs.get(0).result())
        .startsWith("Error: arguments of tool call 'memory_insert' are not valid JSON:")
        .endsWith("; send the arguments as one JSON object");
    assertThat(runs.get(1).result())
        .isEqualTo(
            "Error: missing required argument 'new_str' (arguments: label, new_str, insert_line)"
                + " (ignored unknown argument 'text'; the arguments of memory_insert are: label,"
                + " new_str, insert_line)");
    assertThat(runs.get(2).result())
        .isEqualTo("Error: argument 'insert_line' must be an integer, got \"top\"");
    assertThat(Files.readString(dir.resolve("memory/human.md"))).isEqualTo(humanMd);
  }

  @Test
  void maxStepsEndsTheTurnWithEveryCallAnswered() throws Exception {
    Files.writeString(
        dir.resolve("agent.yaml"), agentYaml.replace("max_steps: 20", "max_steps: 2"));
    for (int i = 1; i <= 2; i++) {
      server.enqueue(
          OpenAiReplies.toolCalls(
              Scripted.call(
                  "call_" + i,
                  "memory_insert",
                  "{\"label\":\"human\",\"new_str\":\"step " + i + "\"}")));
    }
    Reply r;
    try (Agent agent = Agent.open(dir)) {
      r = agent.send("loop", Scripted.openAi(server));
    }
    assertThat(r.ending()).isEqualTo(Reply.Ending.MAX_STEPS);
    assertThat(r.steps()).hasSize(2);
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(history())
        .extracting(Record::role)
        .containsExactly("user", "assistant", "tool", "assistant", "tool", "event");
    assertThat(history().get(5).content())
        .isEqualTo("the turn stopped after 2 steps (max_steps in agent.yaml) without an answer");
  }

  @Test
  void theModelFailingMidTurnLeavesAConsistentHistoryThatTheNextTurnContinues() {
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call(
                "call_1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"Has a cat.\"}")));
    server.enqueue(OpenAiReplies.serverError());
    try (Agent agent = Agent.open(dir)) {
      assertThatThrownBy(() -> agent.send("I have a cat.", Scripted.openAi(server)))
          .isInstanceOf(LlmException.class)
          .hasMessageContaining("HTTP 500");
      assertThat(agent.memory().get("human").value()).endsWith("Has a cat.");
    }
    assertThat(history())
        .extracting(Record::role)
        .containsExactly("user", "assistant", "tool", "event");
    assertThat(history().get(3).field("error").map(e -> e.asText())).contains("server_error");

    server.enqueue(OpenAiReplies.text("Your cat, yes."));
    try (Agent agent = Agent.open(dir)) {
      assertThat(agent.send("What pet do I have?", Scripted.openAi(server)).text())
          .isEqualTo("Your cat, yes.");
    }
    server.takeRequest();
    server.takeRequest();
    RecordedRequest next = server.takeRequest();
    assertThat(next.rejection()).isEmpty();
    assertThat(Scripted.conversation(next))
        .containsExactly(
            "user: I have a cat.",
            "assistant:  -> memory_insert {\"label\":\"human\",\"new_str\":\"Has a cat.\"}",
            "tool: Edited core memory block 'human': it now holds 44 / 5000 chars. The new text is"
                + " in <memory_blocks> from your next step.",
            "user: What pet do I have?");
  }

  @Test
  void aCallLeftWithoutResultByACrashIsAnsweredBeforeTheNextTurn() {
    try (Agent agent = Agent.open(dir)) {
      agent.history().append(Message.user("Remember my cat."));
      agent
          .history()
          .append(
              Message.toolCalls(
                  "",
                  (ArrayNode)
                      JsonNodeFactory.instance
                          .arrayNode()
                          .add(
                              JsonNodeFactory.instance
                                  .objectNode()
                                  .put("id", "call_9")
                                  .put("type", "function")
                                  .set(
                                      "function",
                                      JsonNodeFactory.instance
                                          .objectNode()
                                          .put("name", "memory_insert")
                                          .put(
                                              "arguments",
                                              "{\"label\":\"human\",\"new_str\":\"cat\"}")))));
    }
    server.enqueue(OpenAiReplies.text("ok"));
    try (Agent agent = Agent.open(dir)) {
      agent.send("Hello again.", Scripted.openAi(server));
    }
    List<Record> h = history();
    assertThat(h)
        .extracting(Record::role)
        .containsExactly("user", "assistant", "tool", "user", "assistant");
    assertThat(h.get(2).toolCallId()).contains("call_9");
    assertThat(h.get(2).content()).isEqualTo("Error: " + Transcript.NO_RESULT);
    assertThat(server.takeRequest().rejection()).isEmpty();
  }

  @Test
  void anEmptyMessageIsRefusedBeforeAnythingIsWritten() {
    try (Agent agent = Agent.open(dir)) {
      assertThatThrownBy(() -> agent.send("  ", Scripted.openAi(server)))
          .hasMessage("the message is empty; say something to the agent");
    }
    assertThat(history()).isEmpty();
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void aPersonsEditBetweenTheRequestAndTheToolIsNeverOverwritten() throws Exception {
    Path human = dir.resolve("memory/human.md");
    String edited = humanMd.replace("Nothing known about the user yet.", "Name: Ada (by hand).");
    server.enqueue(
        ScriptedReply.computed(
            req -> {
              try {
                Files.writeString(human, edited); // a person saves in an editor meanwhile
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              return OpenAiReplies.toolCalls(
                  Scripted.call(
                      "call_1",
                      "memory_rethink",
                      "{\"label\":\"human\",\"new_memory\":\"Unknown person.\"}"),
                  Scripted.call(
                      "call_2",
                      "memory_insert",
                      "{\"label\":\"human\",\"new_str\":\"Likes tea.\"}"));
            }));
    server.enqueue(OpenAiReplies.text("ok"));
    Reply r;
    try (Agent agent = Agent.open(dir)) {
      r = agent.send("I like tea.", Scripted.openAi(server));
    }
    List<ToolRun> runs = r.steps().get(0).toolRuns();
    assertThat(runs.get(0).result())
        .startsWith("Error: edit refused: block 'human' changed since the agent read it");
    assertThat(runs.get(1).error()).isFalse();
    assertThat(Files.readString(human)).contains("Name: Ada (by hand).\nLikes tea.\n");
  }
}
