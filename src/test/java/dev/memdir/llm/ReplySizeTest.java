package dev.memdir.llm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.memdir.LlmException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A model server that sends more than a reply can be is cut off, not read into memory. */
class ReplySizeTest {
  HttpServer server;

  @BeforeEach
  void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) ' ');
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(200, 0); // chunked, no length to refuse up front
          try (OutputStream out = exchange.getResponseBody()) {
            for (long sent = 0; sent <= Http.MAX_REPLY_BYTES; sent += chunk.length) {
              out.write(chunk);
            }
            out.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
          } catch (IOException e) {
            // the client hung up, as it should
          }
        });
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private ChatModel model() {
    ModelConfig config =
        ModelConfig.resolve(
                "openai/gpt-test",
                Optional.of("http://127.0.0.1:" + server.getAddress().getPort() + "/v1"),
                Map.of("OPENAI_API_KEY", Fixtures.KEY))
            .withRetry(RetryPolicy.DEFAULT.withSleeper(d -> {}))
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30));
    return ChatModels.open(config);
  }

  @Test
  void aChatReplyOverTheLimitFailsClearly() {
    ChatRequest request = ChatRequest.of(List.of(new UserMessage("Hello")), List.of());
    assertThatThrownBy(() -> model().chat(request))
        .isInstanceOf(LlmException.class)
        .hasMessageContaining("the reply is over " + Http.MAX_REPLY_BYTES + " bytes");
  }

  @Test
  void aModelListOverTheLimitFailsClearly() {
    assertThatThrownBy(() -> model().models())
        .isInstanceOf(LlmException.class)
        .hasMessageContaining("the reply is over " + Http.MAX_REPLY_BYTES + " bytes");
  }
}
