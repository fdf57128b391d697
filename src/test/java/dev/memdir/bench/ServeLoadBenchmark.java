package dev.memdir.bench;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.serve.MemdirServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Request latency of {@code memdir serve} on loopback: block read, block edit (an fsynced rewrite
 * under the agent's write lock) and archival search, with 50 concurrent clients against the same
 * requests from 1 client, in the same process.
 *
 * <p>Arguments: clients (50), requests of each kind per client (20), facts in the agent (2000).
 */
public final class ServeLoadBenchmark {
  private static final String[] WORDS = {
    "tea", "coffee", "venice", "rialto", "engine", "lovelace", "babbage", "poem", "garden", "train",
    "river", "music", "chess", "novel", "winter", "harbour", "lantern", "violin", "orchard", "atlas"
  };

  private ServeLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int perClient = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int facts = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    Path root = Files.createTempDirectory("memdir-serve-bench");
    Random random = new Random(18);
    try (Agent a = Agent.init(root.resolve("bench"), InitOptions.defaults())) {
      for (int i = 0; i < facts; i++) {
        StringBuilder sb = new StringBuilder("Fact " + i + ":");
        for (int w = 0; w < 12; w++) {
          sb.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
        }
        a.archival().insert(sb.toString(), List.of(WORDS[i % WORDS.length]));
      }
      for (int c = 0; c < clients; c++) {
        a.memory().create("scratch" + c, "Load test block.", 5000, "start");
      }
    }
    MemdirServer server =
        MemdirServer.start(
            new MemdirServer.Options(
                root,
                true,
                "127.0.0.1",
                0,
                Optional.empty(),
                c -> {
                  throw new IllegalStateException("the benchmark runs no turn");
                },
                Duration.ofSeconds(60)));
    try {
      // Warm up: open the agent and its search index, JIT the handlers.
      run(server, 4, 10, new Random(1));
      Result one = run(server, 1, perClient * 5, new Random(2));
      Result many = run(server, clients, perClient, new Random(3));
      System.out.printf(
          "memdir serve on loopback, %d facts; p50 / p95 in ms (1 client -> %d clients)%n",
          facts, clients);
      for (int k = 0; k < Result.KINDS.length; k++) {
        double p50a = Stats.percentile(one.ms[k], 50);
        double p95a = Stats.percentile(one.ms[k], 95);
        double p50b = Stats.percentile(many.ms[k], 50);
        double p95b = Stats.percentile(many.ms[k], 95);
        System.out.printf(
            "  %-12s 1 client: %7.2f / %7.2f   %d clients: %7.2f / %7.2f   p50 ratio %.1f%n",
            Result.KINDS[k], p50a, p95a, clients, p50b, p95b, p50b / p50a);
      }
      System.out.printf(
          "  throughput: 1 client %.0f req/s, %d clients %.0f req/s%n",
          one.requests / one.seconds, clients, many.requests / many.seconds);
    } finally {
      server.close();
    }
  }

  private static Result run(MemdirServer server, int clients, int perClient, Random seeds)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<double[][]>> futures = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int client = c;
      long seed = seeds.nextLong();
      futures.add(pool.submit(() -> client(server.url(), client, perClient, new Random(seed))));
    }
    double[][] all = new double[3][clients * perClient];
    for (int c = 0; c < clients; c++) {
      double[][] r = futures.get(c).get();
      for (int k = 0; k < 3; k++) {
        System.arraycopy(r[k], 0, all[k], c * perClient, perClient);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    return new Result(all, clients * perClient * 3, seconds);
  }

  private static double[][] client(String url, int client, int n, Random random) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    double[][] ms = new double[3][n];
    String block = url + "/v1/agents/bench/core-memory/blocks/scratch" + client;
    for (int i = 0; i < n; i++) {
      ms[0][i] = time(http, HttpRequest.newBuilder(URI.create(block)).GET().build());
      String body = "{\"value\": \"Client " + client + ", edit " + i + ".\"}";
      ms[1][i] =
          time(
              http,
              HttpRequest.newBuilder(URI.create(block))
                  .header("Content-Type", "application/json")
                  .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                  .build());
      String q = WORDS[random.nextInt(WORDS.length)] + "+" + WORDS[random.nextInt(WORDS.length)];
      ms[2][i] =
          time(
              http,
              HttpRequest.newBuilder(
                      URI.create(
                          url + "/v1/agents/bench/archival-memory/search?top_k=10&query=" + q))
                  .GET()
                  .build());
    }
    return ms;
  }

  private static double time(HttpClient http, HttpRequest request) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    double ms = (System.nanoTime() - t0) / 1e6;
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          request.method() + " " + request.uri() + ": " + r.statusCode() + " " + r.body());
    }
    return ms;
  }

  private record Result(double[][] ms, int requests, double seconds) {
    static final String[] KINDS = {"block read", "block edit", "search"};
  }
}
