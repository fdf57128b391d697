package dev.memdir.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.tools.SeenBlocks;
import dev.memdir.tools.ToolResult;
import dev.memdir.tools.Toolbox;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Latency of one tool call through {@code memdir mcp} over stdio (Java SDK client, server in its
 * own JVM, warm), against the baseline of calling the same tool on the agent's {@code Toolbox} in
 * this process, in the same run, on an identical agent.
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Dexec.mainClass=dev.memdir.bench.McpBenchmark -Dexec.args=200
 * </pre>
 */
public final class McpBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private McpBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int warm = Math.max(20, rounds / 4);
    Path tmp = Files.createTempDirectory("memdir-mcp-bench");
    try {
      Path served = agent(tmp.resolve("served"));
      Path local = agent(tmp.resolve("local"));
      Map<String, IntFunction<Map<String, Object>>> calls = new LinkedHashMap<>();
      calls.put("archival_memory_search", i -> Map.of("query", "fact " + (i % 50)));
      calls.put("conversation_search", i -> Map.of("query", "message " + (i % 50)));
      calls.put("grep_files", i -> Map.of("pattern", "line " + (i % 90)));
      calls.put("search_files", i -> Map.of("query", "topic " + (i % 20)));
      calls.put("memory_rethink", i -> Map.of("label", "human", "new_memory", "Round " + i + "."));
      calls.put("history_append", i -> Map.of("role", "user", "content", "Said " + i + "."));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ServerParameters params =
          ServerParameters.builder(java)
              .args("-cp", classPath(), "dev.memdir.cli.Main", "mcp", served.toString())
              .build();
      System.out.printf(
          "%-24s %10s %10s %12s %12s %7s%n",
          "tool", "mcp p50", "mcp p95", "in-proc p50", "in-proc p95", "ratio");
      try (McpSyncClient c =
              McpClient.sync(new StdioClientTransport(params, new JacksonMcpJsonMapper(JSON)))
                  .requestTimeout(Duration.ofSeconds(60))
                  .initializationTimeout(Duration.ofSeconds(60))
                  .build();
          Agent agent = Agent.open(local)) {
        c.initialize();
        Toolbox tb =
            new Toolbox(agent.memory(), agent.archival(), agent.search(), agent.config().tools());
        for (Map.Entry<String, IntFunction<Map<String, Object>>> e : calls.entrySet()) {
          String tool = e.getKey();
          double[] mcp = new double[rounds];
          double[] direct = new double[rounds];
          for (int i = -warm; i < rounds; i++) {
            Map<String, Object> a = e.getValue().apply(i + warm);
            long t0 = System.nanoTime();
            McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest(tool, a));
            long t1 = System.nanoTime();
            ToolResult d = direct(tb, agent, tool, JSON.valueToTree(a));
            long t2 = System.nanoTime();
            if (Boolean.TRUE.equals(r.isError()) || d.isError()) {
              throw new IllegalStateException(tool + " failed: " + r + " / " + d.content());
            }
            if (i >= 0) {
              mcp[i] = (t1 - t0) / 1e6;
              direct[i] = (t2 - t1) / 1e6;
            }
          }
          double m = Stats.median(mcp);
          double b = Stats.median(direct);
          System.out.printf(
              "%-24s %8.3fms %8.3fms %10.3fms %10.3fms %7.2f%n",
              tool, m, Stats.percentile(mcp, 95), b, Stats.percentile(direct, 95), m / b);
        }
      }
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** This run's class path: exec:java's class loader's, or the JVM's. */
  private static String classPath() {
    if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader u) {
      StringBuilder sb = new StringBuilder();
      for (java.net.URL url : u.getURLs()) {
        try {
          sb.append(sb.length() == 0 ? "" : java.io.File.pathSeparator)
              .append(Path.of(url.toURI()));
        } catch (java.net.URISyntaxException e) {
          throw new IllegalStateException(e);
        }
      }
      return sb.toString();
    }
    return System.getProperty("java.class.path");
  }

  /** The in-process call, as the server makes it (history_append is the log's append). */
  private static ToolResult direct(Toolbox tb, Agent agent, String tool, ObjectNode a) {
    if (tool.equals("history_append")) {
      agent.history().append(dev.memdir.history.Message.user(a.path("content").asText()));
      agent.history().sync();
      return ToolResult.success("ok");
    }
    return tb.call(tool, a, new SeenBlocks());
  }

  /** An agent with 200 facts, 500 messages and a 100-line file, the same for both sides. */
  private static Path agent(Path dir) throws Exception {
    try (Agent a = Agent.init(dir, InitOptions.defaults())) {
      for (int i = 0; i < 200; i++) {
        a.archival()
            .insert("Stored fact " + i + " about topic " + (i % 20) + ".", java.util.List.of());
      }
      for (int i = 0; i < 500; i++) {
        a.history()
            .append(dev.memdir.history.Message.user("A message " + i + " on topic " + (i % 20)));
      }
      a.history().sync();
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 100; i++) {
        sb.append("line ").append(i).append(": notes on topic ").append(i % 20).append('\n');
      }
      Files.writeString(dir.resolve("files/notes.md"), sb);
    }
    return dir;
  }
}
