package dev.memdir.cli;

import dev.memdir.mcp.MemdirMcpServer;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "Serve an agent's memory to MCP clients (Claude Desktop, Claude Code, Cursor, VS Code):"
          + " over stdio by default, or streamable HTTP with --http.",
      "See docs/MCP.md."
    })
final class McpCommand implements Callable<Integer> {
  /** The environment variable that holds the bearer token when --token is not given. */
  static final String TOKEN_ENV = "MEMDIR_MCP_TOKEN";

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      description = "The agent directory to serve.")
  Path dir;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description = "Serve every agent directory under DIR; each call names its agent.")
  Path root;

  @Option(
      names = "--http",
      paramLabel = "PORT",
      description = "Serve streamable HTTP at http://HOST:PORT/mcp instead of stdio (0: any port).")
  Integer port;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description =
          "The address to listen on with --http (default: ${DEFAULT-VALUE}); any other than"
              + " loopback needs a token.")
  String host;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "Require 'Authorization: Bearer TOKEN' on HTTP requests (default: $"
              + TOKEN_ENV
              + ", if set).")
  String token;

  @Override
  public Integer call() throws Exception {
    if ((dir == null) == (root == null)) {
      throw new ParameterException(
          spec.commandLine(), "give either DIR or --root DIR (one agent or every agent under DIR)");
    }
    if (port == null && (token != null || !"127.0.0.1".equals(host))) {
      throw new ParameterException(spec.commandLine(), "--host and --token need --http PORT");
    }
    if (port != null && (port < 0 || port > 65_535)) {
      throw new ParameterException(spec.commandLine(), "--http must be 0 to 65535, got " + port);
    }
    Path target = dir != null ? dir : root;
    PrintWriter err = spec.commandLine().getErr();
    if (port == null) {
      // Standard output carries the protocol: nothing else may be written to it.
      OutputStream out = new FileOutputStream(FileDescriptor.out);
      try (MemdirMcpServer s =
          MemdirMcpServer.stdio(
              target, root != null, new FileInputStream(FileDescriptor.in), out)) {
        err.println("memdir mcp: serving " + String.join(", ", s.agentNames()) + " over stdio");
        err.flush();
        s.await();
      }
      return 0;
    }
    Optional<String> bearer =
        Optional.ofNullable(token)
            .or(() -> Optional.ofNullable(System.getenv(TOKEN_ENV)))
            .filter(t -> !t.isEmpty());
    MemdirMcpServer s = MemdirMcpServer.http(target, root != null, host, port, bearer);
    Runtime.getRuntime().addShutdownHook(new Thread(s::close, "memdir-mcp-stop"));
    String shown = host.contains(":") ? "[" + host + "]" : host;
    PrintWriter out = Cli.out(spec);
    out.println("http://" + shown + ":" + s.port() + "/mcp");
    out.flush();
    err.println(
        "memdir mcp: serving "
            + String.join(", ", s.agentNames())
            + (bearer.isPresent() ? " (bearer token required)" : "")
            + "; Ctrl-C stops");
    err.flush();
    s.await();
    return 0;
  }
}
