package dev.memdir.bench;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.history.Ulid;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Open time of an agent whose history holds 1k, 100k and 1M records, all in one month's segment
 * (the worst case for anything that reads whole files). Run with:
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Dexec.mainClass=dev.memdir.bench.HistoryOpenBenchmark
 * </pre>
 *
 * <p>Prints a Markdown table of medians: open (Agent.open + close: reads agent.yaml and checks the
 * last byte of the newest segment), open + tail(20), count with the index warm, count after the
 * index was deleted, and, as the baseline, one full scan of the segment's bytes (what the old
 * line-counting messageCount did on every call).
 */
public final class HistoryOpenBenchmark {
  private HistoryOpenBenchmark() {}

  public static void main(String[] args) throws Exception {
    int[] sizes = {1_000, 100_000, 1_000_000};
    Path root = Files.createTempDirectory("memdir-history-bench");
    System.out.println(
        "| records | segment size | open p50 | open p95 | open + tail(20) p50 | count, index warm"
            + " p50 | count, index deleted p50 | full scan p50 (baseline) |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
    try {
      for (int n : sizes) {
        Path dir = root.resolve("a" + n);
        try (Agent a = Agent.init(dir, InitOptions.defaults())) {
          // created
        }
        Path seg = dir.resolve("history/2026-11.jsonl");
        generate(seg, n);
        int runs = n >= 1_000_000 ? 15 : 31;
        double[] open =
            time(
                runs,
                () -> {
                  try (Agent a = Agent.open(dir)) {
                    return a.config().name().length();
                  }
                });
        double[] tail =
            time(
                runs,
                () -> {
                  try (Agent a = Agent.open(dir)) {
                    return a.history().tail(20).size();
                  }
                });
        try (Agent a = Agent.open(dir)) {
          check(a.messageCount() == n, "count " + a.messageCount() + " != " + n);
        }
        double[] warm =
            time(
                runs,
                () -> {
                  try (Agent a = Agent.open(dir)) {
                    return (int) a.messageCount();
                  }
                });
        Path index = dir.resolve(".memdir/history-count.json");
        double[] cold =
            time(
                5,
                () -> {
                  Files.deleteIfExists(index);
                  try (Agent a = Agent.open(dir)) {
                    return (int) a.messageCount();
                  }
                });
        double[] scan = time(5, () -> scanLines(seg));
        System.out.printf(
            Locale.ROOT,
            "| %,d | %.1f MB | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.1f ms | %.1f ms |%n",
            n,
            Files.size(seg) / 1e6,
            p(open, 50),
            p(open, 95),
            p(tail, 50),
            p(warm, 50),
            p(cold, 50),
            p(scan, 50));
      }
    } finally {
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
          Files.delete(p);
        }
      }
    }
    System.out.println();
    System.out.println(
        "java "
            + System.getProperty("java.version")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores");
  }

  /** Writes n realistic records directly, as the log would, without going through the log. */
  private static void generate(Path seg, int n) throws IOException {
    Random r = new Random(42);
    Ulid ulid = new Ulid();
    Instant t = Instant.parse("2026-11-01T00:00:00Z");
    String[] roles = {"user", "assistant", "assistant", "tool", "user"};
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(seg), 1 << 20)) {
      for (int i = 0; i < n; i++) {
        t = t.plusMillis(1 + r.nextInt(2000));
        String content =
            "message " + i + " " + "lorem ipsum dolor sit amet ".repeat(1 + r.nextInt(6));
        String line =
            "{\"v\":1,\"id\":\""
                + ulid.next(t)
                + "\",\"ts\":\""
                + t
                + "\",\"role\":\""
                + roles[i % roles.length]
                + "\",\"content\":\""
                + content
                + "\"}\n";
        out.write(line.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static int scanLines(Path seg) throws IOException {
    int lines = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(seg)) {
      for (int k = in.read(buf); k > 0; k = in.read(buf)) {
        for (int i = 0; i < k; i++) {
          if (buf[i] == '\n') {
            lines++;
          }
        }
      }
    }
    return lines;
  }

  private static double[] time(int runs, Callable<Integer> work) throws Exception {
    for (int i = 0; i < Math.min(runs, 20); i++) {
      work.call(); // warm up
    }
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      work.call();
      ms.add((System.nanoTime() - start) / 1e6);
    }
    double[] out = ms.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(out);
    return out;
  }

  private static double p(double[] sorted, int pct) {
    int i = (int) Math.ceil(pct / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }
}
