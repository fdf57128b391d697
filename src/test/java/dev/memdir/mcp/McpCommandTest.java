package dev.memdir.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's usage errors and refusals, before any server starts. */
class McpCommandTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args,
            new ByteArrayInputStream(new byte[0]),
            new PrintWriter(out),
            new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void needsExactlyOneOfDirAndRoot() {
    assertThat(run("mcp").code()).isEqualTo(2);
    Run both = run("mcp", tmp.toString(), "--root", tmp.toString());
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("give either DIR or --root DIR");
  }

  @Test
  void hostAndTokenNeedHttp() {
    Run r = run("mcp", tmp.toString(), "--token", "0123456789abcdef0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--host and --token need --http PORT");
  }

  @Test
  void aDirectoryThatIsNoAgentFailsWithItsName() {
    Run r = run("mcp", tmp.resolve("nope").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("memdir: ").contains("nope");
  }

  @Test
  void anAddressOtherThanLoopbackNeedsAToken() {
    dev.memdir.TestAgents.create(tmp.resolve("ada")).close();
    Run r = run("mcp", tmp.resolve("ada").toString(), "--http", "0", "--host", "0.0.0.0");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("needs a bearer token");
  }
}
