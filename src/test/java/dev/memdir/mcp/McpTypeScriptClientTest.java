package dev.memdir.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.TestAgents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memdir mcp} driven by a client no one here wrote: the official MCP TypeScript SDK
 * (src/test/js/mcp/client.mjs), over stdio and streamable HTTP, with this build's class path. Needs
 * {@code npm ci --prefix src/test/js/mcp}; without it the test skips, visibly, unless {@code CI} is
 * set, where it fails.
 */
class McpTypeScriptClientTest {
  static final Path FOLDER = Path.of("src/test/js/mcp");

  @TempDir Path tmp;

  @Test
  void theTypeScriptSdkClientPassesEveryCheckOverStdioAndHttp() throws Exception {
    boolean ci = System.getenv("CI") != null && !System.getenv("CI").isEmpty();
    if (!Files.isDirectory(FOLDER.resolve("node_modules/@modelcontextprotocol/sdk"))) {
      String why =
          "skipped: "
              + FOLDER.resolve("node_modules")
              + " is missing; run `npm ci --prefix src/test/js/mcp` (.ci/run does)";
      System.err.println("McpTypeScriptClientTest " + why);
      assertThat(ci).as("CI is set, and " + why).isFalse();
      Assumptions.abort(why);
    }
    Path dir = tmp.resolve("ada");
    TestAgents.create(dir).close();
    Files.writeString(dir.resolve("files/notes.md"), "Notes\nThe lighthouse keeper waved.\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of("node", "client.mjs", dir.toString(), "--"));
    cmd.addAll(
        List.of(
            java,
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.memdir.cli.Main"));
    Path log = tmp.resolve("client.log");
    Process p;
    try {
      p =
          new ProcessBuilder(cmd)
              .directory(FOLDER.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      String why = "skipped: cannot run node: " + e.getMessage();
      System.err.println("McpTypeScriptClientTest " + why);
      assertThat(ci).as("CI is set, and " + why).isFalse();
      Assumptions.abort(why);
      return;
    }
    boolean ended = p.waitFor(8, TimeUnit.MINUTES);
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(out);
    assertThat(ended).as("the client finished in time; it printed:\n" + out).isTrue();
    assertThat(out).contains(" passed, 0 failed").doesNotContain("FAIL ");
    assertThat(p.exitValue()).as(out).isZero();
  }
}
