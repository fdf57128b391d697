package dev.memdir.cli;

import dev.memdir.llm.ChatModels;
import dev.memdir.serve.MemdirServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve agents over HTTP: a Letta-compatible API under /v1 and a web view under /ui.",
      "DIR is one agent directory; --root DIR serves every agent directory inside DIR (and lets"
          + " clients create agents there). Binds 127.0.0.1 unless --host says otherwise; any"
          + " other address needs --token (or MEMDIR_SERVE_TOKEN). See docs/SERVE.md."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "An agent directory.")
  Path dir;

  @Option(names = "--root", paramLabel = "DIR", description = "A directory of agent directories.")
  Path root;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "The port (default ${DEFAULT-VALUE}, Letta's; 0 for any free one).")
  int port = MemdirServer.DEFAULT_PORT;

  @Option(names = "--host", paramLabel = "ADDR", description = "The address to bind (127.0.0.1).")
  String host = "127.0.0.1";

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Require 'Authorization: Bearer TOKEN' (default: MEMDIR_SERVE_TOKEN).")
  String token;

  @Mixin ModelOptions modelOptions = new ModelOptions();

  @Mixin WaitOption wait;

  private final Map<String, String> env;

  ServeCommand() {
    this(System.getenv());
  }

  ServeCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public Integer call() {
    if ((dir == null) == (root == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give either DIR (one agent) or --root DIR (a folder of agents)");
    }
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be 0 to 65535 (0: any free port), got " + port);
    }
    Optional<String> t =
        Optional.ofNullable(token).or(() -> Optional.ofNullable(env.get("MEMDIR_SERVE_TOKEN")));
    MemdirServer.Options o =
        new MemdirServer.Options(
            root != null ? root : dir,
            root != null,
            host,
            port,
            t.filter(s -> !s.isBlank()),
            config -> ChatModels.open(modelOptions.resolve(config, env)),
            wait.duration());
    boolean interrupted = false;
    try (MemdirServer server = MemdirServer.start(o)) {
      Cli.out(spec)
          .println("memdir serve: " + server.url() + "/ui  (API: " + server.url() + "/v1)");
      Cli.out(spec).flush();
      Thread hook = new Thread(server::close, "memdir-serve-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        server.join();
      } catch (InterruptedException e) {
        // Stopped by whoever runs this command in-process (a test, an embedding program); the
        // interrupt is restored once the server has stopped (Jetty's stop would be cut short).
        interrupted = true;
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // The JVM is shutting down: the hook runs.
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
