package dev.memdir.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.TestAgents;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memdir mcp DIR} as a client starts it: a process speaking JSON-RPC on stdin/stdout. */
class McpStdioTest {
  @TempDir Path tmp;

  @Test
  void theCommandServesAClientOverStdio() throws Exception {
    Path dir = tmp.resolve("ada");
    TestAgents.create(dir).close();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ServerParameters params =
        ServerParameters.builder(java)
            .args(
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.memdir.cli.Main",
                "mcp",
                dir.toString())
            .build();
    StdioClientTransport transport = new StdioClientTransport(params, MemdirMcpServer.MAPPER);
    try (McpSyncClient c =
        McpClient.sync(transport)
            .requestTimeout(Duration.ofSeconds(60))
            .initializationTimeout(Duration.ofSeconds(60))
            .build()) {
      McpSchema.InitializeResult init = c.initialize();
      assertThat(init.serverInfo().name()).isEqualTo("memdir");
      assertThat(c.listTools().tools())
          .extracting(McpSchema.Tool::name)
          .contains("memory_insert", "archival_memory_search", "history_append");
      McpSchema.CallToolResult r =
          c.callTool(
              new McpSchema.CallToolRequest(
                  "memory_insert", Map.of("label", "human", "new_str", "Speaks Basque.")));
      assertThat(r.isError()).isFalse();
      assertThat(Files.readString(dir.resolve("memory/human.md"))).contains("Speaks Basque.");
    }
  }
}
