package dev.memdir.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.MemdirException;
import dev.memdir.TestAgents;
import dev.memdir.tools.SeenBlocks;
import dev.memdir.tools.ToolResult;
import dev.memdir.tools.Toolbox;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against the MCP Java SDK's own client, over streamable HTTP on 127.0.0.1 (the server
 * runs in this JVM; McpStdioTest runs it as a process over stdio).
 */
class McpServerTest {
  @TempDir Path tmp;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Path agent(String name) {
    Path dir = tmp.resolve(name);
    TestAgents.create(dir).close();
    return dir;
  }

  private MemdirMcpServer serve(Path dir, boolean root, Optional<String> token) {
    MemdirMcpServer s = MemdirMcpServer.http(dir, root, "127.0.0.1", 0, token);
    open.add(s);
    return s;
  }

  private McpSyncClient client(MemdirMcpServer s, McpClient.SyncSpec... unused) {
    return client(s, b -> b);
  }

  private McpSyncClient client(
      MemdirMcpServer s, java.util.function.UnaryOperator<McpClient.SyncSpec> more) {
    HttpClientStreamableHttpTransport t =
        HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + s.port())
            .endpoint("/mcp")
            .build();
    McpSyncClient c = more.apply(McpClient.sync(t).requestTimeout(Duration.ofSeconds(60))).build();
    open.add(c);
    c.initialize();
    return c;
  }

  private static CallToolResult call(McpSyncClient c, String tool, Map<String, Object> args) {
    return c.callTool(new CallToolRequest(tool, args));
  }

  private static String text(CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  private static String read(McpSyncClient c, String uri) {
    McpSchema.ReadResourceResult r = c.readResource(new McpSchema.ReadResourceRequest(uri));
    return ((McpSchema.TextResourceContents) r.contents().get(0)).text();
  }

  private static void await(String what, Supplier<Boolean> done) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.get()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void listsTheAgentsOwnToolsWithTheirSchemasPlusHistoryAppend() {
    Path dir = agent("ada");
    McpSyncClient c = client(serve(dir, false, Optional.empty()));
    List<McpSchema.Tool> tools = c.listTools().tools();
    try (Agent a = Agent.open(dir)) {
      Toolbox tb = new Toolbox(a.memory(), a.archival(), a.search(), a.config().tools());
      List<String> expected = new ArrayList<>(tb.names());
      expected.remove(Toolbox.SEND_MESSAGE);
      expected.add("history_append");
      assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyElementsOf(expected);
      for (var d : tb.definitions()) {
        McpSchema.Tool t =
            tools.stream().filter(x -> x.name().equals(d.name())).findFirst().orElseThrow();
        assertThat(t.description()).isEqualTo(d.description());
        assertThat(MemdirMcpServer.JSON.valueToTree(t.inputSchema()).equals(d.parameters()))
            .as(d.name() + " schema")
            .isTrue();
      }
    }
  }

  @Test
  void toolErrorsAreTheTextsTheAgentsModelReads() {
    Path dir = agent("ada");
    McpSyncClient c = client(serve(dir, false, Optional.empty()));
    List<Map<String, Object>> bad =
        List.of(
            Map.of("label", "nope", "new_str", "x"),
            Map.of("label", "human"),
            Map.of("label", "human", "new_str", "x", "insert_line", 9999),
            Map.of("label", "human", "new_str", "x".repeat(6000)));
    try (Agent a = Agent.open(dir)) {
      Toolbox tb = new Toolbox(a.memory(), a.archival(), a.search(), a.config().tools());
      for (Map<String, Object> args : bad) {
        CallToolResult r = call(c, "memory_insert", args);
        ObjectNode json = MemdirMcpServer.JSON.valueToTree(args);
        ToolResult direct = tb.call("memory_insert", json, new SeenBlocks());
        assertThat(r.isError()).as(args.keySet().toString()).isTrue();
        assertThat(text(r)).isEqualTo(direct.content()).startsWith("Error: ");
      }
    }
    // Tools not listed never reach the toolbox: the SDK answers with a JSON-RPC error.
    assertThatThrownBy(() -> call(c, "send_message", Map.of("message", "hi")))
        .hasMessageContaining("Unknown tool");
  }

  @Test
  void editsRespectLimitsAndReadOnlyBlocks() throws Exception {
    Path dir = agent("ada");
    Files.writeString(
        dir.resolve("memory/rules.md"),
        "---\ndescription: House rules.\nlimit: 100\nread_only: true\n---\nBe kind.\n");
    McpSyncClient c = client(serve(dir, false, Optional.empty()));
    CallToolResult ro = call(c, "memory_insert", Map.of("label", "rules", "new_str", "Be rude."));
    assertThat(ro.isError()).isTrue();
    assertThat(text(ro)).contains("read-only");
    assertThat(Files.readString(dir.resolve("memory/rules.md"))).doesNotContain("rude");
    CallToolResult ok = call(c, "memory_insert", Map.of("label", "human", "new_str", "Likes tea."));
    assertThat(ok.isError()).isFalse();
    assertThat(text(ok)).startsWith("Edited core memory block 'human'");
    assertThat(Files.readString(dir.resolve("memory/human.md"))).contains("Likes tea.");
  }

  @Test
  void archivalHistoryAndFileToolsWork() throws Exception {
    Path dir = agent("ada");
    Files.writeString(dir.resolve("files/notes.md"), "alpha\nThe boat is blue.\ngamma\n");
    McpSyncClient c = client(serve(dir, false, Optional.empty()));
    assertThat(
            text(
                call(
                    c,
                    "archival_memory_insert",
                    Map.of("content", "Ada's cat is named Pixel.", "tags", List.of("pets")))))
        .startsWith("Stored in archival memory as ");
    String found =
        text(
            call(
                c,
                "archival_memory_search",
                Map.of("query", "cat", "tags", List.of("pets"), "start_datetime", "2000-01-01")));
    assertThat(found).contains("Pixel").contains("pets");
    assertThat(
            text(
                call(
                    c,
                    "archival_memory_search",
                    Map.of("query", "cat", "end_datetime", "2000-01-01"))))
        .startsWith("No fact matches.");
    assertThat(
            text(call(c, "history_append", Map.of("role", "user", "content", "I love sailing."))))
        .startsWith("Appended to the history as ");
    assertThat(text(call(c, "conversation_search", Map.of("query", "sailing"))))
        .contains("I love sailing.");
    assertThat(text(call(c, "grep_files", Map.of("pattern", "boat")))).contains("notes.md");
    assertThat(text(call(c, "search_files", Map.of("query", "boat blue")))).contains("notes.md");
    String opened =
        text(
            call(
                c,
                "open_files",
                Map.of("file_requests", List.of(Map.of("file_name", "notes.md")))));
    assertThat(opened).contains("<file_windows>").contains("The boat is blue.");
    CallToolResult escape =
        call(
            c,
            "open_files",
            Map.of("file_requests", List.of(Map.of("file_name", "../agent.yaml"))));
    assertThat(escape.isError()).isTrue();
    assertThat(text(escape)).doesNotContain("model:");
    CallToolResult badRole = call(c, "history_append", Map.of("role", "god", "content", "x"));
    assertThat(badRole.isError()).isTrue();
    assertThat(text(badRole))
        .isEqualTo(
            "Error: argument 'role' must be one of user, assistant, system, event, got \"god\"");
    assertThat(text(call(c, "history_append", Map.of("role", "user"))))
        .isEqualTo("Error: missing required argument 'content' (arguments: role, content, ts)");
    assertThat(
            text(call(c, "history_append", Map.of("role", "user", "content", "x", "ts", "soon"))))
        .startsWith("Error: argument 'ts' must be an ISO-8601 time");
  }

  @Test
  void aHandEditWhileAClientIsConnectedIsNeverLost() throws Exception {
    Path dir = agent("ada");
    Path human = dir.resolve("memory/human.md");
    McpSyncClient c = client(serve(dir, false, Optional.empty()));
    assertThat(read(c, "memdir://ada/memory/human")).contains("<human>");
    // A person edits the block the client has just read.
    Files.writeString(human, Files.readString(human) + "Person: lives in Lyon.\n");
    CallToolResult rethink =
        call(c, "memory_rethink", Map.of("label", "human", "new_memory", "Nothing known."));
    assertThat(rethink.isError()).isTrue();
    assertThat(Files.readString(human)).contains("Person: lives in Lyon.");
    CallToolResult insert =
        call(c, "memory_insert", Map.of("label", "human", "new_str", "Client: likes tea."));
    assertThat(insert.isError()).as(text(insert)).isFalse();
    assertThat(Files.readString(human)).contains("Person: lives in Lyon.").contains("likes tea");
  }

  @Test
  void aPersonAppendingWhileAClientEditsLosesNothing() throws Exception {
    long seed = new java.util.Random().nextLong();
    java.util.Random random = new java.util.Random(seed);
    Path dir = agent("ada");
    Path human = dir.resolve("memory/human.md");
    McpSyncClient c = client(serve(dir, false, Optional.empty()));
    int rounds = 25;
    Thread person =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < rounds; i++) {
                  Thread.sleep(random.nextInt(30));
                  // As the shell's >> opens: O_APPEND | O_CREAT. Without O_CREAT an open in the
                  // instant an edit swaps the file in fails, which no editor or shell does.
                  Files.writeString(
                      human,
                      "Person " + i + ".\n",
                      java.nio.file.StandardOpenOption.CREATE,
                      java.nio.file.StandardOpenOption.APPEND);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    person.start();
    for (int i = 0; i < rounds; i++) {
      CallToolResult r =
          call(c, "memory_insert", Map.of("label", "human", "new_str", "Client " + i + "."));
      assertThat(r.isError()).as("seed " + seed + ": " + text(r)).isFalse();
    }
    person.join();
    try (Agent a = Agent.open(dir)) {
      a.memory().settle();
      String value = a.memory().get("human").value();
      for (int i = 0; i < rounds; i++) {
        assertThat(value).as("seed " + seed).contains("Person " + i + ".", "Client " + i + ".");
      }
    }
  }

  @Test
  void aSubscriberHearsAHandEditAndNewBlocksAppearInTheList() throws Exception {
    Path dir = agent("ada");
    List<String> updated = new CopyOnWriteArrayList<>();
    List<Integer> listed = new CopyOnWriteArrayList<>();
    MemdirMcpServer s = serve(dir, false, Optional.empty());
    McpSyncClient c =
        client(
            s,
            b ->
                b.resourcesUpdateConsumer(
                        contents -> contents.forEach(x -> updated.add(x.uri() + "\n" + text(x))))
                    .resourcesChangeConsumer(rs -> listed.add(rs.size())));
    assertThat(c.listResources().resources())
        .extracting(McpSchema.Resource::uri)
        .containsExactlyInAnyOrder(
            "memdir://ada/memory", "memdir://ada/memory/human", "memdir://ada/memory/persona");
    c.subscribeResource(new McpSchema.SubscribeRequest("memdir://ada/memory/human"));
    Path human = dir.resolve("memory/human.md");
    Files.writeString(human, Files.readString(human) + "Edited by hand.\n");
    await("the update", () -> updated.stream().anyMatch(u -> u.contains("Edited by hand.")));
    Files.writeString(dir.resolve("memory/project.md"), "---\ndescription: The project.\n---\nX\n");
    await("the new list", () -> listed.contains(4));
    assertThat(read(c, "memdir://ada/memory/project")).contains("The project.");
    assertThat(read(c, "memdir://ada/memory")).contains("<project>").contains("Edited by hand.");
    Files.delete(dir.resolve("memory/persona.md"));
    assertThatThrownBy(() -> read(c, "memdir://ada/memory/persona"))
        .hasMessageContaining("persona");
  }

  private static String text(McpSchema.ResourceContents x) {
    return x instanceof McpSchema.TextResourceContents t ? t.text() : "";
  }

  @Test
  void theGuidePromptCarriesCoreMemory() {
    Path dir = agent("ada");
    McpSyncClient c = client(serve(dir, false, Optional.empty()));
    assertThat(c.listPrompts().prompts())
        .extracting(McpSchema.Prompt::name)
        .containsExactly("memory_guide");
    McpSchema.GetPromptResult p =
        c.getPrompt(new McpSchema.GetPromptRequest("memory_guide", Map.of()));
    String t = ((McpSchema.TextContent) p.messages().get(0).content()).text();
    assertThat(t).contains("history_append").contains("<memory_blocks>").contains("<human>");
  }

  @Test
  void aRootServesEveryAgentNamedPerCall() throws Exception {
    agent("a");
    agent("b");
    McpSyncClient c = client(serve(tmp, true, Optional.empty()));
    McpSchema.Tool insert =
        c.listTools().tools().stream()
            .filter(t -> t.name().equals("memory_insert"))
            .findFirst()
            .orElseThrow();
    assertThat(
            MemdirMcpServer.JSON.valueToTree(insert.inputSchema()).path("required").get(0).asText())
        .isEqualTo("agent");
    CallToolResult ok =
        call(c, "memory_insert", Map.of("agent", "b", "label", "human", "new_str", "Only b."));
    assertThat(ok.isError()).as(text(ok)).isFalse();
    assertThat(Files.readString(tmp.resolve("b/memory/human.md"))).contains("Only b.");
    assertThat(Files.readString(tmp.resolve("a/memory/human.md"))).doesNotContain("Only b.");
    assertThat(text(call(c, "memory_insert", Map.of("label", "human", "new_str", "x"))))
        .isEqualTo("Error: missing required argument 'agent' (agents: a, b)");
    for (String bad : List.of("c", "../a", "a/../b", "")) {
      CallToolResult r =
          call(c, "memory_insert", Map.of("agent", bad, "label", "human", "new_str", "x"));
      assertThat(r.isError()).as(bad).isTrue();
    }
    assertThat(
            text(call(c, "memory_insert", Map.of("agent", "c", "label", "human", "new_str", "x"))))
        .contains("there is no agent 'c'")
        .contains("agents: a, b");
    assertThat(c.listResources().resources())
        .extracting(McpSchema.Resource::uri)
        .contains("memdir://a/memory/human", "memdir://b/memory/persona");
  }

  @Test
  void overHttpATokenIsRequiredWhenSetAndElsewhereThanLoopback() throws Exception {
    Path dir = agent("ada");
    String token = "s3cret-token-0123456789";
    MemdirMcpServer s = serve(dir, false, Optional.of(token));
    HttpClient http = HttpClient.newHttpClient();
    String init =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    Supplier<HttpRequest.Builder> req =
        () ->
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(init));
    assertThat(http.send(req.get().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(401);
    assertThat(
            http.send(
                    req.get().header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(401);
    assertThat(
            http.send(
                    req.get()
                        .header("Authorization", "Bearer " + token)
                        .header("Origin", "http://evil.example")
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(403);
    HttpResponse<String> ok =
        http.send(
            req.get().header("Authorization", "Bearer " + token).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("\"serverInfo\"");
    assertThatThrownBy(() -> MemdirMcpServer.http(dir, false, "0.0.0.0", 0, Optional.empty()))
        .isInstanceOf(MemdirException.class)
        .hasMessageContaining("needs a bearer token");
  }
}
