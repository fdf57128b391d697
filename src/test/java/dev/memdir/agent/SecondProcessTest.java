package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.ChildProcess;
import dev.memdir.TestAgents;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory written by one process is what a later process's model sees. */
class SecondProcessTest {
  @TempDir Path dir;

  @Test
  void aLaterProcessSeesTheMemoryAndHistoryTheFirstWroteAndSendsThemToTheModel() throws Exception {
    TestAgents.create(dir).close();
    try (ScriptedServer server = ScriptedServer.start()) {
      server.enqueue(
          OpenAiReplies.toolCalls(
              Scripted.call(
                  "call_1",
                  "memory_replace",
                  "{\"label\":\"human\",\"old_str\":\"Nothing known about the user yet.\","
                      + "\"new_str\":\"Name: Ada Lovelace. Prefers green tea.\"}")));
      server.enqueue(OpenAiReplies.text("Nice to meet you, Ada."));
      try (Agent first = Agent.open(dir)) {
        first.send("I'm Ada Lovelace and I drink green tea.", Scripted.openAi(server));
      }
      assertThat(Files.readString(dir.resolve("memory/human.md")))
          .endsWith("---\nName: Ada Lovelace. Prefers green tea.\n");
      server.takeRequest();
      server.takeRequest();

      server.enqueue(OpenAiReplies.text("You are Ada, and you like green tea."));
      Process child =
          ChildProcess.start("send", dir.toString(), server.openAiBaseUrl(), "Who am I?");
      ChildProcess.Output out = new ChildProcess.Output(child.getInputStream());
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      out.join();
      assertThat(child.exitValue()).isZero();
      assertThat(out.lines()).containsExactly("You are Ada, and you like green tea.");

      RecordedRequest sent = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
      assertThat(Scripted.system(sent))
          .contains("<value>\nName: Ada Lovelace. Prefers green tea.\n</value>");
      assertThat(Scripted.conversation(sent))
          .containsExactly(
              "user: I'm Ada Lovelace and I drink green tea.",
              "assistant:  -> memory_replace {\"label\":\"human\",\"old_str\":\"Nothing known"
                  + " about the user yet.\",\"new_str\":\"Name: Ada Lovelace. Prefers green"
                  + " tea.\"}",
              "tool: Edited core memory block 'human': it now holds 38 / 5000 chars. The new text"
                  + " is in <memory_blocks> from your next step.",
              "assistant: Nice to meet you, Ada.",
              "user: Who am I?");
    }
  }
}
