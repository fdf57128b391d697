package dev.memdir.serve;

import dev.memdir.llm.ChatModels;
import dev.memdir.llm.ModelConfig;
import dev.memdir.llm.RetryPolicy;
import dev.memdir.llm.scripted.ScriptedServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** A memdir server over a root folder whose agents talk to a scripted model. */
final class ServeFixture {
  private ServeFixture() {}

  static MemdirServer start(Path root, ScriptedServer model, Optional<String> token) {
    return MemdirServer.start(
        new MemdirServer.Options(
            root,
            true,
            "127.0.0.1",
            0,
            token,
            config ->
                ChatModels.open(
                    ModelConfig.resolve(
                            config, Optional.empty(), Optional.of(model.openAiBaseUrl()), Map.of())
                        .withRetry(RetryPolicy.NONE)
                        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20))),
            Duration.ofSeconds(5)));
  }

  /**
   * The folder of a Node test, skipping (with a message) when its node_modules is absent, unless
   * the environment variable CI is set, where that fails.
   */
  static Path nodeProject(String name) {
    Path dir = Path.of("src/test/js", name).toAbsolutePath();
    if (!Files.isDirectory(dir.resolve("node_modules"))) {
      String msg =
          dir
              + "/node_modules is absent: run `npm ci --prefix src/test/js/"
              + name
              + "` (.ci/run does)";
      if (System.getenv("CI") != null) {
        throw new AssertionError(msg);
      }
      System.err.println("SKIPPED: " + msg);
      Assumptions.abort(msg);
    }
    return dir;
  }

  /** Runs {@code node script} in {@code dir} with {@code env}; returns exit code and output. */
  static Run node(Path dir, String script, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of("node", script)).directory(dir.toFile());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    StringBuilder out = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = p.getInputStream()) {
                out.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                out.append("(cannot read node's output: ").append(e).append(')');
              }
            });
    reader.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      reader.join(5000);
      return new Run(-1, out + "\n(node timed out after " + timeout + ")");
    }
    reader.join(5000);
    return new Run(p.exitValue(), out.toString());
  }

  record Run(int exit, String output) {}
}
