package dev.memdir.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.MemdirException;
import dev.memdir.llm.scripted.ScriptedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST subset's statuses and hand-edit rules, over real HTTP on 127.0.0.1. */
class LettaApiTest {
  @TempDir Path root;

  private final HttpClient http = HttpClient.newHttpClient();
  private ScriptedServer model;
  private MemdirServer server;

  @BeforeEach
  void start() {
    Agent.init(root.resolve("ada"), InitOptions.defaults()).close();
    model = ScriptedServer.start();
    server = ServeFixture.start(root, model, Optional.of("secret"));
  }

  @AfterEach
  void stop() {
    server.close();
    model.close();
  }

  private HttpResponse<String> call(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer secret")
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.setHeader(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Exchange.JSON.readTree(r.body());
  }

  @Test
  void agentIdsAreStableAndDerivedFromTheDirectoryName() throws Exception {
    String id = Agents.idOf(root.resolve("ada"));
    // The value docs/SERVE.md gives; it must never change, or clients lose their agents.
    assertThat(id).isEqualTo("agent-5bbb86de-5d23-33e4-91fa-60f529b77d80");
    HttpResponse<String> r = call("GET", "/v1/agents/" + id, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("id").asText()).isEqualTo(id);
    assertThat(call("GET", "/v1/agents/ada", null).statusCode()).isEqualTo(200);
  }

  @Test
  void aRequestWithoutTheTokenIsRefused() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/agents")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).path("detail").asText()).contains("token");
  }

  @Test
  void anUnknownAgentIs404AndAnUnsupportedRouteIs501NamingIt() throws Exception {
    HttpResponse<String> missing = call("GET", "/v1/agents/agent-nope", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).path("detail").asText()).contains("agent-nope");

    HttpResponse<String> tools = call("GET", "/v1/tools", null);
    assertThat(tools.statusCode()).isEqualTo(501);
    assertThat(json(tools).path("detail").asText()).contains("GET /v1/tools");

    HttpResponse<String> label =
        call("PATCH", "/v1/agents/ada/core-memory/blocks/human", "{\"label\": \"person\"}");
    assertThat(label.statusCode()).isEqualTo(501);
    assertThat(json(label).path("detail").asText()).contains("label");

    HttpResponse<String> importJson = call("POST", "/v1/agents/import", "{}");
    assertThat(importJson.statusCode()).isEqualTo(415);
    assertThat(json(importJson).path("detail").asText()).contains("multipart/form-data");
  }

  @Test
  void aBlockEditBasedOnAnOldValueIsRefusedAndTheHandEditKept() throws Exception {
    JsonNode before = json(call("GET", "/v1/agents/ada/core-memory/blocks/human", null));
    String hash = before.path("memdir_value_hash").asText();
    try (Agent a = Agent.open(root.resolve("ada"))) {
      a.memory().rethink(dev.memdir.memory.Actor.PERSON, "human", "Edited by hand.");
    }
    HttpResponse<String> r =
        call(
            "PATCH",
            "/v1/agents/ada/core-memory/blocks/human",
            "{\"value\": \"From the API.\", \"memdir_value_hash\": \"" + hash + "\"}");
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(json(r).path("detail").asText()).contains("changed since it was read");
    assertThat(Files.readString(root.resolve("ada/memory/human.md"))).contains("Edited by hand.");

    HttpResponse<String> ok =
        call(
            "PATCH",
            "/v1/agents/ada/core-memory/blocks/human",
            "{\"value\": \"From the API.\"}",
            "If-Match",
            "\""
                + json(call("GET", "/v1/agents/ada/core-memory/blocks/human", null))
                    .path("memdir_value_hash")
                    .asText()
                + "\"");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(Files.readString(root.resolve("ada/memory/human.md"))).contains("From the API.");
  }

  @Test
  void aValueOverTheLimitIsRefusedWith422AndChangesNothingElseEither() throws Exception {
    Path file = root.resolve("ada/memory/human.md");
    String before = Files.readString(file);
    String tooLong = "\"value\": \"" + "x".repeat(6000) + "\"";
    for (String body :
        List.of("{" + tooLong + "}", "{\"description\": \"Changed.\", " + tooLong + "}")) {
      HttpResponse<String> r = call("PATCH", "/v1/agents/ada/core-memory/blocks/human", body);
      assertThat(r.statusCode()).isEqualTo(422);
      assertThat(json(r).path("detail").asText()).contains("over its limit");
      assertThat(Files.readString(file)).isEqualTo(before);
    }
    // A higher limit in the same request makes room: value, limit and description all change.
    HttpResponse<String> ok =
        call(
            "PATCH",
            "/v1/agents/ada/core-memory/blocks/human",
            "{\"description\": \"Changed.\", \"limit\": 7000, \"value\": \""
                + "x".repeat(6000)
                + "\"}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(Files.readString(file)).contains("description: Changed.").contains("limit: 7000");
  }

  @Test
  void creatingAnAgentThatExistsIs409AndABadNameIs422() throws Exception {
    assertThat(call("POST", "/v1/agents", "{\"name\": \"ada\"}").statusCode()).isEqualTo(409);
    HttpResponse<String> bad = call("POST", "/v1/agents", "{\"name\": \"../escape\"}");
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(Files.exists(root.resolveSibling("escape"))).isFalse();
    HttpResponse<String> notJson = call("POST", "/v1/agents", "{name");
    assertThat(notJson.statusCode()).isEqualTo(422);
    assertThat(json(notJson).path("detail").asText()).contains("line 1");
  }

  @Test
  void servingBeyondLoopbackNeedsAToken() {
    assertThatThrownBy(
            () ->
                MemdirServer.start(
                    new MemdirServer.Options(
                        root,
                        true,
                        "0.0.0.0",
                        0,
                        Optional.empty(),
                        c -> {
                          throw new AssertionError("no model");
                        },
                        Duration.ofSeconds(1))))
        .isInstanceOf(MemdirException.class)
        .hasMessageContaining("needs a token");
  }

  @Test
  void markdownIsRenderedWithoutRawHtmlOrScriptLinks() {
    String html = Markdown.html("**bold** <script>alert(1)</script> [x](javascript:alert(1))");
    assertThat(html).contains("<strong>bold</strong>").doesNotContain("<script>");
    assertThat(html).doesNotContain("javascript:");
  }

  @Test
  void aFailingModelIs502AndEndsAStreamWithAnErrorMessage() throws Exception {
    model.enqueue(dev.memdir.llm.scripted.OpenAiReplies.serverError());
    HttpResponse<String> r = call("POST", "/v1/agents/ada/messages", "{\"input\": \"Hello?\"}");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(json(r).path("detail").asText()).startsWith("the model failed");

    model.enqueue(dev.memdir.llm.scripted.OpenAiReplies.serverError());
    HttpResponse<String> s =
        call(
            "POST",
            "/v1/agents/ada/messages",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"streaming\": true}");
    assertThat(s.statusCode()).isEqualTo(200);
    assertThat(s.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    assertThat(s.body())
        .contains("\"message_type\":\"error_message\"")
        .endsWith("data: [DONE]\n\n");
  }

  @Test
  void aMessageWithAnotherRoleIs501() throws Exception {
    HttpResponse<String> r =
        call(
            "POST",
            "/v1/agents/ada/messages",
            "{\"messages\": [{\"role\": \"system\", \"content\": \"Obey.\"}]}");
    assertThat(r.statusCode()).isEqualTo(501);
    assertThat(json(r).path("detail").asText()).contains("role system");
    assertThat(model.requestCount()).isZero();
  }

  @Test
  void anotherSitesPageCannotWriteThroughTheBrowser() throws Exception {
    HttpResponse<String> textPlain =
        call(
            "POST",
            "/v1/agents/ada/archival-memory",
            "{\"text\": \"planted\"}",
            "Content-Type",
            "text/plain");
    assertThat(textPlain.statusCode()).isEqualTo(415);
    HttpResponse<String> crossSite =
        call(
            "POST",
            "/v1/agents/ada/archival-memory",
            "{\"text\": \"planted\"}",
            "Origin",
            "http://evil.example");
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(json(crossSite).path("detail").asText()).contains("evil.example");
    try (Agent a = Agent.open(root.resolve("ada"))) {
      assertThat(a.archival().count()).isZero();
    }
  }

  /** Sends a raw HTTP/1.1 GET with the given Host header; returns the whole response text. */
  private String rawGet(String path, String host) throws Exception {
    try (java.net.Socket sock = new java.net.Socket("127.0.0.1", server.port())) {
      sock.setSoTimeout(10_000);
      String req =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + "\r\nAuthorization: Bearer secret\r\nConnection: close\r\n\r\n";
      sock.getOutputStream().write(req.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      sock.getOutputStream().flush();
      return new String(
          sock.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void aForeignHostHeaderIsRefusedAgainstDnsRebinding() throws Exception {
    String evil =
        rawGet("/v1/agents/ada/core-memory/blocks/human", "evil.example:" + server.port());
    assertThat(evil).startsWith("HTTP/1.1 421");
    assertThat(evil).contains("evil.example").contains("not this server").doesNotContain("limit\"");
    assertThat(rawGet("/v1/agents", "localhost:" + (server.port() == 1 ? 2 : server.port() - 1)))
        .startsWith("HTTP/1.1 421");
    assertThat(rawGet("/ui", "evil.example")).startsWith("HTTP/1.1 421");
    for (String ok :
        new String[] {
          "127.0.0.1:" + server.port(), "localhost:" + server.port(), "LocalHost:" + server.port()
        }) {
      assertThat(rawGet("/v1/agents", ok)).as(ok).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void agentModifySetsNameAndDescriptionInAgentYamlKeepingEveryOtherLine() throws Exception {
    Path yaml = root.resolve("ada/agent.yaml");
    String original = Files.readString(yaml);
    String handWritten = "# Ada's settings, kept by hand\n" + original + "# trailing note\n";
    Files.writeString(yaml, handWritten);
    String id = Agents.idOf(root.resolve("ada"));
    HttpResponse<String> r =
        call(
            "PATCH",
            "/v1/agents/" + id,
            "{\"name\": \"Ada Lovelace\", \"description\": \"Counts: 1, 2.\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("name").asText()).isEqualTo("Ada Lovelace");
    assertThat(json(r).path("description").asText()).isEqualTo("Counts: 1, 2.");
    assertThat(json(r).path("id").asText()).isEqualTo(id);
    JsonNode again = json(call("GET", "/v1/agents/" + id, null));
    assertThat(again.path("name").asText()).isEqualTo("Ada Lovelace");

    String now = Files.readString(yaml);
    assertThat(now).startsWith("# Ada's settings, kept by hand\n").endsWith("# trailing note\n");
    // Every line of the original but the name's and description's is still there, byte for byte.
    for (String line : original.split("\n")) {
      if (!line.startsWith("name:") && !line.startsWith("description:")) {
        assertThat(now).contains(line + "\n");
      }
    }
    try (Agent a = Agent.open(root.resolve("ada"))) {
      assertThat(a.config().name()).isEqualTo("Ada Lovelace");
      assertThat(a.config().description()).isEqualTo("Counts: 1, 2.");
    }
    HttpResponse<String> blank = call("PATCH", "/v1/agents/" + id, "{\"name\": \" \"}");
    assertThat(blank.statusCode()).isEqualTo(422);
    assertThat(json(blank).path("detail").asText()).contains("name");
    HttpResponse<String> tags = call("PATCH", "/v1/agents/" + id, "{\"tags\": [\"x\"]}");
    assertThat(tags.statusCode()).isEqualTo(501);
    assertThat(json(tags).path("detail").asText()).contains("tags");
  }

  @Test
  void agentModifyKeepsADocumentStartAndEndAndRefusesASecondDocument() throws Exception {
    Path yaml = root.resolve("ada/agent.yaml");
    String original = Files.readString(yaml);
    Files.writeString(yaml, "# settings\n---\n" + original + "...\n# the end\n");
    String id = Agents.idOf(root.resolve("ada"));
    HttpResponse<String> r = call("PATCH", "/v1/agents/" + id, "{\"name\": \"Ada L\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String now = Files.readString(yaml);
    assertThat(now).startsWith("# settings\n---\n").endsWith("...\n# the end\n");
    assertThat(now).contains("name: Ada L\n");
    try (Agent a = Agent.open(root.resolve("ada"))) {
      assertThat(a.config().name()).isEqualTo("Ada L");
    }
    // A marker between keys starts a second document: refused, the file left as it was.
    String two = "---\n" + original + "---\nname: other\n";
    Files.writeString(yaml, two);
    HttpResponse<String> refused = call("PATCH", "/v1/agents/" + id, "{\"name\": \"Ada M\"}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    int line = original.split("\n").length + 2;
    assertThat(json(refused).path("detail").asText())
        .contains("agent.yaml line " + line)
        .contains("document marker");
    assertThat(Files.readString(yaml)).isEqualTo(two);
  }

  @Test
  void blockModifySetsLimitAndDescriptionInTheFrontMatterKeepingTheRest() throws Exception {
    Path file = root.resolve("ada/memory/human.md");
    Files.writeString(
        file,
        "---\n# who the user is\ndescription: Old words.\nlimit: 5000\ncolour: blue  # mine\n---\n"
            + "Name: Ada.\n");
    String path = "/v1/agents/ada/core-memory/blocks/human";
    HttpResponse<String> r =
        call("PATCH", path, "{\"limit\": 7000, \"description\": \"What the user is like.\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("limit").asInt()).isEqualTo(7000);
    assertThat(json(r).path("description").asText()).isEqualTo("What the user is like.");
    assertThat(json(r).path("value").asText()).isEqualTo("Name: Ada.");
    assertThat(Files.readString(file))
        .isEqualTo(
            "---\n# who the user is\ndescription: What the user is like.\nlimit: 7000\n"
                + "colour: blue  # mine\n---\nName: Ada.\n");

    HttpResponse<String> tooLow = call("PATCH", path, "{\"limit\": 3}");
    assertThat(tooLow.statusCode()).isEqualTo(422);
    assertThat(json(tooLow).path("detail").asText()).contains("limit");
    assertThat(Files.readString(file)).contains("limit: 7000");
    HttpResponse<String> notANumber = call("PATCH", path, "{\"limit\": \"lots\"}");
    assertThat(notANumber.statusCode()).isEqualTo(422);

    // A longer value and the higher limit it needs, in one request.
    String big = "y".repeat(8000);
    HttpResponse<String> both =
        call("PATCH", path, "{\"value\": \"" + big + "\", \"limit\": 9000}");
    assertThat(both.statusCode()).as(both.body()).isEqualTo(200);
    assertThat(json(both).path("limit").asInt()).isEqualTo(9000);
    // A shorter value and a lower limit, in one request.
    HttpResponse<String> down = call("PATCH", path, "{\"value\": \"Short.\", \"limit\": 100}");
    assertThat(down.statusCode()).as(down.body()).isEqualTo(200);
    assertThat(Files.readString(file))
        .isEqualTo(
            "---\n# who the user is\ndescription: What the user is like.\nlimit: 100\n"
                + "colour: blue  # mine\n---\nShort.\n");
  }

  /** POSTs a multipart form with the given parts (name, file name or null, bytes). */
  private HttpResponse<String> upload(String path, Object[]... parts) throws Exception {
    String boundary = "memdir-test-" + System.nanoTime();
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    for (Object[] p : parts) {
      String head =
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\""
              + p[0]
              + "\""
              + (p[1] == null ? "" : "; filename=\"" + p[1] + "\"")
              + "\r\n"
              + (p[1] == null ? "" : "Content-Type: application/json\r\n")
              + "\r\n";
      body.write(head.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      body.write((byte[]) p[2]);
      body.write("\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer secret")
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anAgentFileExportedOverHttpImportsBackAsANewAgentWithTheSameMemory() throws Exception {
    call(
        "PATCH",
        "/v1/agents/ada/core-memory/blocks/human",
        "{\"value\": \"Name: Ada.\\nLikes green tea.\"}");
    call("PATCH", "/v1/agents/ada", "{\"system\": \"You are Ada, born in 1815.\"}");
    HttpResponse<String> exported = call("GET", "/v1/agents/ada/export", null);
    assertThat(exported.statusCode()).as(exported.body()).isEqualTo(200);
    JsonNode af = json(exported);
    assertThat(af.path("agents").isArray()).isTrue();
    assertThat(af.path("agents").size()).isEqualTo(1);

    HttpResponse<String> imported =
        upload(
            "/v1/agents/import",
            new Object[] {
              "file", "ada.af", exported.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)
            });
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    JsonNode ids = json(imported).path("agent_ids");
    assertThat(ids.size()).isEqualTo(1);
    String id = ids.get(0).asText();
    assertThat(id).startsWith("agent-").isNotEqualTo(Agents.idOf(root.resolve("ada")));
    // A new directory beside ada (its name taken, so ada-2), listed like any agent.
    assertThat(root.resolve("ada-2/agent.yaml")).exists();
    assertThat(id).isEqualTo(Agents.idOf(root.resolve("ada-2")));
    JsonNode block = json(call("GET", "/v1/agents/" + id + "/core-memory/blocks/human", null));
    assertThat(block.path("value").asText()).isEqualTo("Name: Ada.\nLikes green tea.");
    // Letta's agent file carries no passages; the system prompt and blocks round-trip.
    assertThat(json(call("GET", "/v1/agents/" + id, null)).path("system").asText())
        .contains("You are Ada, born in 1815.");
    JsonNode listed = json(call("GET", "/v1/agents", null));
    assertThat(listed.toString()).contains(id);
    try (java.util.stream.Stream<Path> left = Files.list(root)) {
      assertThat(left.map(p -> p.getFileName().toString()).toList())
          .containsExactlyInAnyOrder("ada", "ada-2");
    }
  }

  @Test
  void aBadAgentFileIs422NamingTheFieldAndWritesNothing() throws Exception {
    String bad = "{\"agents\": [{\"name\": \"x\", \"memory_blocks\": [{\"value\": \"v\"}]}]}";
    HttpResponse<String> r =
        upload(
            "/v1/agents/import",
            new Object[] {"file", "bad.af", bad.getBytes(java.nio.charset.StandardCharsets.UTF_8)});
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(json(r).path("detail").asText()).startsWith("bad.af: agents[0].");
    HttpResponse<String> notJson =
        upload(
            "/v1/agents/import", new Object[] {"file", "broken.af", "{\n\"agents\": }".getBytes()});
    assertThat(notJson.statusCode()).isEqualTo(422);
    assertThat(json(notJson).path("detail").asText()).startsWith("broken.af:2: not JSON");
    HttpResponse<String> noFile =
        upload("/v1/agents/import", new Object[] {"other", null, "x".getBytes()});
    assertThat(noFile.statusCode()).isEqualTo(501);
    HttpResponse<String> missing =
        upload("/v1/agents/import", new Object[] {"append_copy_suffix", null, "false".getBytes()});
    assertThat(missing.statusCode()).isEqualTo(422);
    assertThat(json(missing).path("detail").asText()).contains("file: missing");
    try (java.util.stream.Stream<Path> left = Files.list(root)) {
      assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("ada");
    }
  }
}
