package dev.memdir.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web view in Debian's headless chromium, driven by playwright-core (src/test/js/web). */
class WebViewBrowserTest {
  @TempDir Path root;

  @Test
  void aPersonEditsABlockSeesAHandEditAndChatsInTheBrowser() throws Exception {
    Path project = ServeFixture.nodeProject("web");
    if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
      String msg = "/usr/bin/chromium is absent: apt-get install -y chromium (.ci/run does)";
      if (System.getenv("CI") != null) {
        throw new AssertionError(msg);
      }
      System.err.println("SKIPPED: " + msg);
      Assumptions.abort(msg);
    }
    Path dir = root.resolve("web-agent");
    Agent.init(dir, InitOptions.defaults()).close();
    Files.writeString(
        dir.resolve("files/travel.md"), "# Travel notes\n\n## Venice\n\nThe Rialto at dawn.\n");
    Path shots = Path.of("target/web-view-screenshots").toAbsolutePath();
    try (ScriptedServer model = ScriptedServer.start();
        MemdirServer server = ServeFixture.start(root, model, Optional.empty())) {
      model.enqueue(
          OpenAiReplies.streamToolCalls(
              new ScriptedToolCall(
                  "call_1",
                  "archival_memory_insert",
                  "{\"content\": \"The person likes tea.\", \"tags\": [\"drinks\"]}")));
      model.enqueue(OpenAiReplies.streamText("Hi from", " the script."));

      ServeFixture.Run run =
          ServeFixture.node(
              project,
              "web-test.mjs",
              Map.of(
                  "MEMDIR_URL",
                  server.url(),
                  "AGENT_DIR",
                  dir.toString(),
                  "SCREENSHOTS",
                  shots.toString()),
              Duration.ofSeconds(90));

      assertThat(run.output()).as(run.output()).contains("web test done");
      assertThat(run.exit()).as(run.output()).isZero();
    }
    assertThat(shots.resolve("4-chat.png")).exists();
    assertThat(shots.resolve("6-files-search.png")).exists();
  }
}
