package dev.memdir.bench;

import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatModels;
import dev.memdir.llm.ChatRequest;
import dev.memdir.llm.ModelConfig;
import dev.memdir.llm.StreamListener;
import dev.memdir.llm.UserMessage;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client's own cost per request, against the scripted server on 127.0.0.1, next to a bare JDK
 * HttpClient sending the same request in the same run. Run with {@code ./mvnw -q test-compile
 * exec:java -Dexec.mainClass=dev.memdir.bench.LlmClientBenchmark}.
 */
public final class LlmClientBenchmark {
  private static final int WARMUP = 300;
  private static final int CHAT_RUNS = 2000;
  private static final int STREAM_RUNS = 300;
  private static final int STREAM_PIECES = 500;

  private LlmClientBenchmark() {}

  public static void main(String[] args) throws Exception {
    try (ScriptedServer server = ScriptedServer.start()) {
      ChatModel model =
          ChatModels.open(
              ModelConfig.resolve("openai/bench", Optional.of(server.openAiBaseUrl()), Map.of()));
      ChatRequest request = ChatRequest.of(List.of(new UserMessage("Hello")), List.of());
      HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest rawRequest =
          HttpRequest.newBuilder(URI.create(server.openAiBaseUrl() + "/chat/completions"))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"model\":\"bench\",\"messages\":"
                          + "[{\"role\":\"user\",\"content\":\"Hello\"}],\"max_tokens\":4096}"))
              .build();
      ScriptedReply reply = OpenAiReplies.text("Hi there, how can I help?");
      String[] pieces = new String[STREAM_PIECES];
      Arrays.fill(pieces, "word ");
      ScriptedReply stream = OpenAiReplies.streamText(pieces);

      run("warm-up", WARMUP, server, reply, () -> model.chat(request));
      run(
          "warm-up",
          WARMUP,
          server,
          reply,
          () -> raw.send(rawRequest, HttpResponse.BodyHandlers.ofString()));
      long[] bare =
          run(
              "bare HttpClient, plain reply",
              CHAT_RUNS,
              server,
              reply,
              () -> raw.send(rawRequest, HttpResponse.BodyHandlers.ofString()));
      long[] chat =
          run("memdir chat(), plain reply", CHAT_RUNS, server, reply, () -> model.chat(request));
      run("warm-up", 50, server, stream, () -> model.stream(request, StreamListener.NONE));
      long[] streamed =
          run(
              "memdir stream(), " + STREAM_PIECES + " SSE chunks",
              STREAM_RUNS,
              server,
              stream,
              () -> model.stream(request, StreamListener.NONE));
      System.out.printf("ratio chat()/bare p50: %.2f%n", (double) p(chat, 50) / p(bare, 50));
      System.out.printf("stream: %.0f chunks/s at p50%n", STREAM_PIECES / (p(streamed, 50) / 1e9));
    }
  }

  private interface Call {
    Object call() throws Exception;
  }

  private static long[] run(
      String name, int n, ScriptedServer server, ScriptedReply reply, Call call) throws Exception {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      server.enqueue(reply);
      long start = System.nanoTime();
      call.call();
      t[i] = System.nanoTime() - start;
      server.takeRequest();
    }
    Arrays.sort(t);
    if (!name.equals("warm-up")) {
      System.out.printf(
          "%-40s n=%5d  p50 %7.1f us  p95 %7.1f us%n", name, n, p(t, 50) / 1e3, p(t, 95) / 1e3);
    }
    return t;
  }

  private static long p(long[] sorted, int percentile) {
    return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)];
  }
}
