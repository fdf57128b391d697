package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memdir serve}'s command line: usage errors, the token rule, and a real start. */
class ServeCommandTest {
  @TempDir Path tmp;

  @Test
  void neitherOrBothOfDirAndRootIsAUsageError() {
    Agent.init(tmp.resolve("ada"), InitOptions.defaults()).close();
    CliTest.Result neither = CliTest.run("serve", "--port", "0");
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.err()).contains("give either DIR (one agent) or --root DIR");
    CliTest.Result both =
        CliTest.run("serve", tmp.resolve("ada").toString(), "--root", tmp.toString());
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("give either DIR (one agent) or --root DIR");
  }

  @Test
  void aBadPortIsAUsageError() {
    CliTest.Result word = CliTest.run("serve", "--root", tmp.toString(), "--port", "lots");
    assertThat(word.code()).isEqualTo(2);
    assertThat(word.err()).contains("--port").contains("lots");
    CliTest.Result big = CliTest.run("serve", "--root", tmp.toString(), "--port", "70000");
    assertThat(big.code()).isEqualTo(2);
    assertThat(big.err()).contains("--port must be 0 to 65535").contains("70000");
    CliTest.Result negative = CliTest.run("serve", "--root", tmp.toString(), "--port=-1");
    assertThat(negative.code()).isEqualTo(2);
  }

  @Test
  void bindingBeyondLoopbackWithoutATokenIsRefused() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // The constructor that takes the environment: MEMDIR_SERVE_TOKEN must not leak in from the
    // machine running the test, so the command runs through picocli with an empty one.
    picocli.CommandLine cl = new picocli.CommandLine(new ServeCommand(java.util.Map.of()));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("memdir: " + e.getMessage());
          cmd.getErr().flush();
          return 1;
        });
    int code = cl.execute("--root", tmp.toString(), "--host", "0.0.0.0", "--port", "0");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("serving on 0.0.0.0 needs a token (--token or MEMDIR_SERVE_TOKEN)");
  }

  @Test
  void aStartedServerAnswersHealthAndStopsWhenInterrupted() throws Exception {
    Agent.init(tmp.resolve("ada"), InitOptions.defaults()).close();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AtomicInteger code = new AtomicInteger(-1);
    Thread serving =
        new Thread(
            () ->
                code.set(
                    Main.run(
                        new String[] {"serve", tmp.resolve("ada").toString(), "--port", "0"},
                        new ByteArrayInputStream(new byte[0]),
                        new PrintWriter(out),
                        new PrintWriter(err))),
            "serve-command-test");
    serving.start();
    Pattern started = Pattern.compile("memdir serve: (http://127\\.0\\.0\\.1:\\d+)/ui");
    String url = null;
    for (int i = 0; i < 200 && url == null && serving.isAlive(); i++) {
      Matcher m = started.matcher(out.toString());
      if (m.find()) {
        url = m.group(1);
      } else {
        Thread.sleep(50);
      }
    }
    assertThat(url).as("stdout: %s\nstderr: %s", out, err).isNotNull();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/v1/health"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"ok\"");

    serving.interrupt();
    serving.join(10_000);
    assertThat(serving.isAlive()).isFalse();
    assertThat(code.get()).as(err.toString()).isZero();
    String stopped = url;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(URI.create(stopped + "/v1/health"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }
}
