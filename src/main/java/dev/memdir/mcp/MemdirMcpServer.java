package dev.memdir.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.FormatException;
import dev.memdir.MemdirException;
import dev.memdir.Version;
import dev.memdir.memory.Block;
import dev.memdir.tools.ToolDefinition;
import dev.memdir.tools.ToolResult;
import dev.memdir.tools.Toolbox;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ErrorCodes;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A running MCP server over one agent directory or a root of them.
 *
 * <pre>
 * try (MemdirMcpServer s = MemdirMcpServer.stdio(Path.of("agents/ada"), false, System.in, System.out)) {
 *   s.await();   // until the client closes standard input
 * }
 * </pre>
 *
 * <p>Tools: the agent's own memory and retrieval tools (through its {@code Toolbox}) and {@code
 * history_append}; with a root, each takes an extra {@code agent} argument. Resources: {@code
 * memdir://AGENT/memory} (all of core memory as the model reads it) and {@code
 * memdir://AGENT/memory/LABEL} (one block), kept current by a {@link MemoryWatcher}: subscribers
 * hear {@code notifications/resources/updated}, everyone {@code list_changed}. Prompt: {@code
 * memory_guide}, how to use the memory, with core memory as it is now.
 */
public final class MemdirMcpServer implements AutoCloseable {
  /** The resource URI scheme. */
  public static final String SCHEME = "memdir://";

  /** The prompt that tells a client how to use the memory. */
  public static final String PROMPT = "memory_guide";

  /** How often memory/ is looked at, by default. */
  public static final long POLL_MILLIS = 250;

  static final ObjectMapper JSON = new ObjectMapper();
  static final McpJsonMapper MAPPER = new JacksonMcpJsonMapper(JSON);

  private static final System.Logger LOG = System.getLogger(MemdirMcpServer.class.getName());

  // The SDK and Jetty tell every session and start at INFO; keep stderr for what matters. Held
  // here so that the levels are not collected with their loggers.
  private static final java.util.logging.Logger SDK_LOG = quiet("io.modelcontextprotocol");
  private static final java.util.logging.Logger JETTY_LOG = quiet("org.eclipse.jetty");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
    l.setLevel(java.util.logging.Level.WARNING);
    return l;
  }

  private final Agents agents;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Set<String> resourceUris = new HashSet<>();
  private volatile McpSyncServer server;
  private MemoryWatcher watcher;
  private AutoCloseable transport = () -> {};

  private MemdirMcpServer(Agents agents) {
    this.agents = agents;
  }

  /** The agents of {@code dir}: it alone, or with {@code root} every agent directory under it. */
  static Agents agents(Path dir, boolean root) {
    return root ? Agents.root(dir) : Agents.single(dir);
  }

  /**
   * Serves over {@code in} and {@code out} (newline-delimited JSON-RPC); {@link #await()} returns
   * when {@code in} ends.
   *
   * @throws MemdirException when {@code dir} is not an agent directory (or, with {@code root}, not
   *     a directory)
   */
  public static MemdirMcpServer stdio(Path dir, boolean root, InputStream in, OutputStream out) {
    MemdirMcpServer s = new MemdirMcpServer(agents(dir, root));
    InputStream watched =
        new FilterInputStream(in) {
          @Override
          public int read() throws IOException {
            return ended(super.read());
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return ended(super.read(b, off, len));
          }

          private int ended(int n) {
            if (n < 0) {
              s.closed.countDown();
            }
            return n;
          }
        };
    s.start(McpServer.sync(new StdioServerTransportProvider(MAPPER, watched, out)));
    return s;
  }

  /**
   * Serves streamable HTTP at {@code http://HOST:PORT/mcp}; {@code token}, when present, is
   * required as {@code Authorization: Bearer TOKEN}. Port 0 picks a free one ({@link #port()}).
   */
  public static MemdirMcpServer http(
      Path dir, boolean root, String host, int port, Optional<String> token) {
    MemdirMcpServer s = new MemdirMcpServer(agents(dir, root));
    HttpTransport h = HttpTransport.create(host, port, token);
    s.transport = h;
    try {
      s.start(McpServer.sync(h.provider()));
      h.start();
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** The HTTP port, or -1 over stdio. */
  public int port() {
    return transport instanceof HttpTransport h ? h.port() : -1;
  }

  /** The names of the agents served. */
  public List<String> agentNames() {
    return agents.names();
  }

  private void start(McpServer.SyncSpecification<?> spec) {
    String what =
        agents.isRoot()
            ? "the memdir agents " + String.join(", ", agents.names())
            : "the memdir agent '" + agents.names().get(0) + "'";
    spec.serverInfo("memdir", Version.get())
        .instructions(
            "Long-term memory in plain files ("
                + what
                + "). Read the resource memdir://AGENT/memory (or the prompt "
                + PROMPT
                + ") at the start of a conversation; keep core memory current with the memory"
                + " tools; store lasting facts with archival_memory_insert; log each exchange with"
                + " history_append; look things up with the search tools.")
        .capabilities(
            McpSchema.ServerCapabilities.builder()
                .tools(false)
                .resources(true, true)
                .prompts(false)
                .build())
        // The toolbox checks arguments itself, leniently where models slip, with its own texts.
        .validateToolInputs(false)
        .tools(tools())
        .prompts(prompt());
    watcher = new MemoryWatcher(agents, new Notifier(), POLL_MILLIS);
    // The first resources go in before the build, so no list_changed precedes initialize.
    synchronized (this) {
      Map<String, SyncResourceSpecification> first = wanted();
      spec.resources(List.copyOf(first.values()));
      resourceUris.addAll(first.keySet());
      server = spec.build();
    }
  }

  /** Blocks until the client has gone (stdio: standard input ended) or {@link #close()}. */
  public void await() throws InterruptedException {
    closed.await();
  }

  /** Like {@link #await()} with a limit; whether it ended. */
  public boolean await(long millis) throws InterruptedException {
    return closed.await(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    closed.countDown();
    if (watcher != null) {
      watcher.close();
    }
    try {
      if (server != null) {
        server.closeGracefully();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing the MCP server: " + e);
    }
    try {
      transport.close();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "closing the HTTP server: " + e);
    }
    agents.close();
  }

  // --- tools ---

  private List<SyncToolSpecification> tools() {
    Map<String, ToolDefinition> defs = new LinkedHashMap<>();
    if (agents.isRoot()) {
      // Agents may offer different tools: list every one, and let each agent's toolbox refuse
      // those it does not offer. Listing definitions touches no store, hence the nulls.
      new Toolbox(null, null, null, List.of())
          .all().stream()
              .filter(d -> !d.name().equals(Toolbox.SEND_MESSAGE))
              .forEach(d -> defs.put(d.name(), d));
    } else {
      agents.get(agents.names().get(0)).definitions().forEach(d -> defs.put(d.name(), d));
    }
    ToolDefinition h = McpAgent.historyAppendDefinition();
    defs.put(h.name(), h);
    List<SyncToolSpecification> out = new ArrayList<>();
    for (ToolDefinition d : defs.values()) {
      out.add(
          SyncToolSpecification.builder()
              .tool(
                  McpSchema.Tool.builder()
                      .name(d.name())
                      .description(d.description())
                      .inputSchema(toMap(schema(d)))
                      .build())
              .callHandler((ex, req) -> call(ex, d.name(), req.arguments()))
              .build());
    }
    return out;
  }

  /** The tool's schema, with an {@code agent} argument first when serving a root. */
  private ObjectNode schema(ToolDefinition d) {
    ObjectNode s = d.parameters();
    if (!agents.isRoot()) {
      return s;
    }
    ObjectNode props = JSON.createObjectNode();
    props
        .putObject("agent")
        .put("type", "string")
        .put("description", "The agent whose memory to use, by its folder name.");
    props.setAll((ObjectNode) s.path("properties"));
    s.set("properties", props);
    com.fasterxml.jackson.databind.node.ArrayNode req = JSON.createArrayNode().add("agent");
    s.path("required").forEach(req::add);
    s.set("required", req);
    return s;
  }

  private CallToolResult call(McpSyncServerExchange ex, String tool, Map<String, Object> args) {
    ObjectNode a = args == null ? JSON.createObjectNode() : JSON.valueToTree(args);
    ToolResult r;
    try {
      McpAgent agent = agentOf(a);
      r = agent.call(ex.sessionId(), tool, a);
    } catch (MemdirException e) {
      r = ToolResult.failure(e.getMessage());
    }
    return CallToolResult.builder().addTextContent(r.content()).isError(r.isError()).build();
  }

  /** The agent a call names (and removes its {@code agent} argument), or the one agent. */
  private McpAgent agentOf(ObjectNode a) {
    if (!agents.isRoot()) {
      return agents.get(agents.names().get(0));
    }
    com.fasterxml.jackson.databind.JsonNode n = a.remove("agent");
    if (n == null || !n.isTextual() || n.textValue().isBlank()) {
      throw new MemdirException(
          "missing required argument 'agent' (agents: " + String.join(", ", agents.names()) + ")");
    }
    return agents.get(n.textValue());
  }

  // --- resources ---

  static String memoryUri(String agent) {
    return SCHEME + URLEncoder.encode(agent, StandardCharsets.UTF_8) + "/memory";
  }

  static String blockUri(String agent, String label) {
    return memoryUri(agent) + "/" + label;
  }

  /** Adds the resources of blocks that appeared and removes those of blocks that went. */
  private synchronized void syncResources() {
    Map<String, SyncResourceSpecification> want = wanted();
    for (String uri : List.copyOf(resourceUris)) {
      if (!want.containsKey(uri)) {
        server.removeResource(uri);
        resourceUris.remove(uri);
      }
    }
    for (Map.Entry<String, SyncResourceSpecification> e : want.entrySet()) {
      if (resourceUris.add(e.getKey())) {
        server.addResource(e.getValue());
      }
    }
  }

  /** The resources of every agent and block the watcher saw last, by URI. */
  private Map<String, SyncResourceSpecification> wanted() {
    Map<String, SyncResourceSpecification> want = new LinkedHashMap<>();
    for (String name : watcher.names()) {
      want.put(memoryUri(name), memoryResource(name));
      for (String label : watcher.labels(name)) {
        want.put(blockUri(name, label), blockResource(name, label));
      }
    }
    return want;
  }

  private SyncResourceSpecification memoryResource(String name) {
    String uri = memoryUri(name);
    return new SyncResourceSpecification(
        McpSchema.Resource.builder()
            .uri(uri)
            .name(name + " core memory")
            .description(
                "Every core memory block of agent '"
                    + name
                    + "', with limits, as the agent's model reads it.")
            .mimeType("text/plain")
            .build(),
        (ex, req) -> {
          String text = readOrThrow(() -> MemoryText.render(agents.get(name).read(ex.sessionId())));
          return new McpSchema.ReadResourceResult(
              List.of(new McpSchema.TextResourceContents(uri, "text/plain", text)));
        });
  }

  private SyncResourceSpecification blockResource(String name, String label) {
    String uri = blockUri(name, label);
    return new SyncResourceSpecification(
        McpSchema.Resource.builder()
            .uri(uri)
            .name(name + " " + label)
            .description("The core memory block '" + label + "' of agent '" + name + "'.")
            .mimeType("text/plain")
            .build(),
        (ex, req) -> {
          Block b = readOrThrow(() -> agents.get(name).read(ex.sessionId(), label));
          return new McpSchema.ReadResourceResult(
              List.of(new McpSchema.TextResourceContents(uri, "text/plain", MemoryText.block(b))));
        });
  }

  /**
   * Runs a resource read; a block that went is RESOURCE_NOT_FOUND, a broken one an internal error,
   * each with memdir's message (which names the file, and its line when it is a format error).
   */
  private static <T> T readOrThrow(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (FormatException e) {
      throw McpError.builder(ErrorCodes.INTERNAL_ERROR).message(e.getMessage()).build();
    } catch (MemdirException e) {
      throw McpError.builder(ErrorCodes.RESOURCE_NOT_FOUND).message(e.getMessage()).build();
    }
  }

  /** Tells clients what the watcher saw. */
  private final class Notifier implements MemoryWatcher.Listener {
    @Override
    public void listChanged() {
      if (server != null) {
        syncResources();
      }
    }

    @Override
    public void updated(String agent, String label) {
      if (server == null) {
        return;
      }
      try {
        server.notifyResourcesUpdated(
            new McpSchema.ResourcesUpdatedNotification(blockUri(agent, label)));
        server.notifyResourcesUpdated(new McpSchema.ResourcesUpdatedNotification(memoryUri(agent)));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot notify: " + e);
      }
    }
  }

  // --- prompt ---

  private SyncPromptSpecification prompt() {
    List<McpSchema.PromptArgument> args =
        agents.isRoot()
            ? List.of(
                new McpSchema.PromptArgument(
                    "agent", "The agent whose memory to use, by its folder name.", true))
            : List.of();
    return new SyncPromptSpecification(
        new McpSchema.Prompt(
            PROMPT,
            "How to use this memdir agent's memory, with its core memory as it is now.",
            args),
        (ex, req) -> {
          Map<String, Object> a = req.arguments() == null ? Map.of() : req.arguments();
          String name;
          if (agents.isRoot()) {
            Object n = a.get("agent");
            if (!(n instanceof String s) || s.isBlank()) {
              throw McpError.builder(ErrorCodes.INVALID_PARAMS)
                  .message(
                      "missing required argument 'agent' (agents: "
                          + String.join(", ", agents.names())
                          + ")")
                  .build();
            }
            name = s;
          } else {
            name = agents.names().get(0);
          }
          McpAgent agent;
          try {
            agent = agents.get(name);
          } catch (MemdirException e) {
            throw McpError.builder(ErrorCodes.INVALID_PARAMS).message(e.getMessage()).build();
          }
          String text = guide(name) + "\n\n" + MemoryText.render(agent.read(ex.sessionId()));
          return new McpSchema.GetPromptResult(
              "How to use the memory of agent '" + name + "'",
              List.of(
                  new McpSchema.PromptMessage(
                      McpSchema.Role.USER, new McpSchema.TextContent(text))));
        });
  }

  private String guide(String name) {
    String agentArg = agents.isRoot() ? " (always with agent: \"" + name + "\")" : "";
    return "You have long-term memory: the memdir agent '"
        + name
        + "', a folder of plain files that a person may also edit. Use its tools"
        + agentArg
        + ":\n"
        + "- Core memory (below) is what you always know: who the user is, how to work with them."
        + " Keep it current with memory_insert, memory_replace and memory_rethink; each block has"
        + " a char limit and some are read-only. When a block is nearly full, condense it or move"
        + " details to archival memory.\n"
        + "- archival_memory_insert stores one self-contained fact (with optional tags);"
        + " archival_memory_search finds facts by keywords, tags and dates.\n"
        + "- history_append logs each message of this conversation (the user's and yours), so"
        + " that conversation_search finds it in later conversations.\n"
        + "- search_files, grep_files and open_files read the documents under files/.\n"
        + "Read the resource "
        + memoryUri(name)
        + " again when it changes: a person's edit wins over yours, and an edit based on text"
        + " that changed since you read it is refused.";
  }

  private static Map<String, Object> toMap(ObjectNode o) {
    return JSON.convertValue(o, new TypeReference<Map<String, Object>>() {});
  }
}
