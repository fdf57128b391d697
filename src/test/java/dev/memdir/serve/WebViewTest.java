package dev.memdir.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.memory.Actor;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web view over plain HTTP (the browser test covers the same in chromium, when present). */
class WebViewTest {
  @TempDir Path root;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aSaveBasedOnAnOldValueShowsBothTextsAndWritesNothing() throws Exception {
    Agent.init(root.resolve("ada"), InitOptions.defaults()).close();
    try (ScriptedServer model = ScriptedServer.start();
        MemdirServer server = ServeFixture.start(root, model, Optional.empty())) {
      String page = get(server, "/ui/a/ada").body();
      Matcher m =
          Pattern.compile("blocks/human\"><input type=hidden name=hash value=\"([0-9a-f]+)\"")
              .matcher(page);
      assertThat(m.find()).as(page).isTrue();
      String hash = m.group(1);
      try (Agent a = Agent.open(root.resolve("ada"))) {
        a.memory().rethink(Actor.PERSON, "human", "Changed by hand.");
      }

      HttpResponse<String> conflict = post(server, "/ui/a/ada/blocks/human", hash, "Mine & <b>.");
      assertThat(conflict.statusCode()).isEqualTo(409);
      assertThat(conflict.body())
          .contains("Changed by hand.")
          .contains("Mine &amp; &lt;b&gt;.")
          .doesNotContain("<b>.");
      Path file = root.resolve("ada/memory/human.md");
      assertThat(Files.readString(file)).contains("Changed by hand.").doesNotContain("Mine");

      String fresh;
      try (Agent a = Agent.open(root.resolve("ada"))) {
        fresh = a.memory().get("human").valueHash();
      }
      HttpResponse<String> saved = post(server, "/ui/a/ada/blocks/human", fresh, "Mine.");
      assertThat(saved.statusCode()).isEqualTo(303);
      assertThat(Files.readString(file)).contains("Mine.").doesNotContain("Changed by hand.");
    }
  }

  @Test
  void fileSearchHitsShowTheirHeadingPath() throws Exception {
    Agent.init(root.resolve("ada"), InitOptions.defaults()).close();
    Files.writeString(
        root.resolve("ada/files/travel.md"),
        "# Travel notes\n\n## Venice\n\nThe gondola ride was wonderful.\n");
    try (ScriptedServer model = ScriptedServer.start();
        MemdirServer server = ServeFixture.start(root, model, Optional.empty())) {
      String page = get(server, "/ui/a/ada/files?q=gondola").body();
      assertThat(page).contains("<small>Travel notes › Venice</small>");
    }
  }

  @Test
  void theChangeStreamSaysWhenAFileChangesOnDisk() throws Exception {
    Agent.init(root.resolve("ada"), InitOptions.defaults()).close();
    try (ScriptedServer model = ScriptedServer.start();
        MemdirServer server = ServeFixture.start(root, model, Optional.empty())) {
      HttpResponse<InputStream> stream =
          http.send(
              HttpRequest.newBuilder(URI.create(server.url() + "/ui/a/ada/events")).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).isEqualTo(200);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("retry: 1000");
      CompletableFuture<String> change =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("event: ")) {
                      return line;
                    }
                  }
                  return "(end of stream)";
                } catch (java.io.IOException e) {
                  return e.toString();
                }
              });
      Thread.sleep(2 * WebView.POLL_MILLIS);
      assertThat(change).isNotDone();
      Files.writeString(root.resolve("ada/archival/hand.md"), "A fact written by hand.\n");
      assertThat(change.get(10, TimeUnit.SECONDS)).isEqualTo("event: change");
      stream.body().close();
    }
  }

  private HttpResponse<String> get(MemdirServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(MemdirServer server, String path, String hash, String value)
      throws Exception {
    String form =
        "hash="
            + URLEncoder.encode(hash, StandardCharsets.UTF_8)
            + "&value="
            + URLEncoder.encode(value, StandardCharsets.UTF_8);
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
