package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.TestAgents;
import dev.memdir.archival.Fact;
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
}
