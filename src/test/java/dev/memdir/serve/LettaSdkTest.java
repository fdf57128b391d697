package dev.memdir.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Letta TypeScript SDK, unmodified, against memdir serve (src/test/js/letta). */
class LettaSdkTest {
  @TempDir Path root;

  @Test
  void theLettaTypeScriptSdkDrivesAnAgentThroughMemdirServe() throws Exception {
    Path project = ServeFixture.nodeProject("letta");
    try (ScriptedServer model = ScriptedServer.start();
        MemdirServer server = ServeFixture.start(root, model, Optional.of("sdk-token"))) {
      model.enqueue(
          OpenAiReplies.toolCalls(
              new ScriptedToolCall(
                  "call_1",
                  "archival_memory_insert",
                  "{\"content\": \"Ada likes Darjeeling.\", \"tags\": [\"tea\"]}")));
      model.enqueue(OpenAiReplies.text("Noted: Darjeeling."));
      model.enqueue(OpenAiReplies.streamText("Hello", " there."));

      ServeFixture.Run run =
          ServeFixture.node(
              project,
              "sdk-test.mjs",
              Map.of("MEMDIR_URL", server.url(), "MEMDIR_TOKEN", "sdk-token"),
              Duration.ofSeconds(60));

      assertThat(run.output()).as(run.output()).contains("sdk test done");
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(model.pendingReplies()).isZero();
    }
    // The agent was created as a plain directory, then moved to .trash by the delete (beside it,
    // the agent the script imported from its export and deleted too).
    Path trashed;
    try (var s = Files.list(root.resolve(".trash"))) {
      trashed =
          s.filter(p -> p.getFileName().toString().startsWith("sdk-agent-"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no sdk-agent-* folder in .trash"));
    }
    try (Agent a = Agent.open(trashed)) {
      assertThat(a.memory().get("human").value()).isEqualTo("Name: Ada Lovelace.\nLikes tea.");
      assertThat(a.archival().list().facts())
          .extracting(f -> f.text())
          .containsExactlyInAnyOrder(
              "The analytical engine was never built.", "Ada likes Darjeeling.");
    }
  }
}
