package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.TestAgents;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person saves a block while the agent edits it in a turn: the turn's end merges the late save,
 * and an edit of the model's that lost to it is told to the model with its next memory tool result.
 */
class HandEditTurnTest {
  @TempDir Path dir;
  ScriptedServer server;
  Path human;

  @BeforeEach
  void setUp() {
    TestAgents.create(dir).close();
    server = ScriptedServer.start();
    human = dir.resolve("memory/human.md");
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private List<String> kept() throws IOException {
    Path tmp = dir.resolve(".memdir/tmp");
    if (!Files.isDirectory(tmp)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** Runs {@code write} on {@code held}, then closes it, once the first memory tool has run. */
  private static TurnListener person(FileChannel held, String text, boolean truncate) {
    return new TurnListener() {
      @Override
      public void onToolResult(String name, String result, boolean error) {
        if (!held.isOpen()) {
          return;
        }
        try (held) {
          if (truncate) {
            held.truncate(0);
          }
          ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
          long at = truncate ? 0 : held.size();
          while (b.hasRemaining()) {
            at += held.write(b, at);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  @Test
  void aPersonsAppendToTheOldFileDuringATurnIsMergedAndTheOldFileGoneWhenTheTurnEnds()
      throws Exception {
    server.enqueue(
        OpenAiReplies.streamToolCalls(
            Scripted.call(
                "call_1", "memory_insert", "{\"label\":\"human\",\"new_str\":\"Likes tea.\"}")));
    server.enqueue(OpenAiReplies.streamText("Noted."));
    try (Agent agent = Agent.open(dir);
        FileChannel held = FileChannel.open(human, StandardOpenOption.WRITE)) {
      agent.send("I like tea.", Scripted.openAi(server), person(held, "A person's line.\n", false));
      assertThat(kept()).isEmpty();
      assertThat(agent.memory().get("human").value())
          .contains("Likes tea.")
          .endsWith("A person's line.");
    }
  }

  @Test
  void anEditThatLostToAPersonsSaveIsToldWithTheNextMemoryToolResult() throws Exception {
    String seen = Files.readString(human);
    int body = seen.indexOf("\n---\n") + 5;
    String theirs = seen.substring(0, body) + "The person's own words.\n";
    server.enqueue(
        OpenAiReplies.streamToolCalls(
            Scripted.call(
                "call_1",
                "memory_rethink",
                "{\"label\":\"human\",\"new_memory\":\"All new, by the agent.\"}")));
    server.enqueue(OpenAiReplies.streamText("Rewritten."));
    server.enqueue(
        OpenAiReplies.toolCalls(
            Scripted.call(
                "call_2", "memory_insert", "{\"label\":\"human\",\"new_str\":\"Likes tea.\"}")));
    server.enqueue(OpenAiReplies.text("Noted."));
    try (Agent agent = Agent.open(dir);
        FileChannel held = FileChannel.open(human, StandardOpenOption.WRITE)) {
      agent.send("Rewrite it.", Scripted.openAi(server), person(held, theirs, true));
      assertThat(agent.memory().get("human").value()).isEqualTo("The person's own words.");
      Reply second = agent.send("I like tea.", Scripted.openAi(server));
      String result = second.steps().get(0).toolRuns().get(0).result();
      assertThat(result)
          .contains("Meanwhile a person edited your memory by hand, and it wins over your edits:")
          .contains(
              "memory/human.md: a person's save reached it while the agent edited it; the"
                  + " agent's edit could not be redone on it, so the person's text was kept");
      assertThat(agent.memory().get("human").value())
          .isEqualTo("The person's own words.\nLikes tea.");
    }
  }
}
