package dev.memdir.bench;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.search.Search;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code archival_memory_search} latency (warm, in-process, freshness check of {@code archival/}
 * included) on an agent with N facts, beside the bare walk of the folder (a listing and one {@code
 * lstat} per fact) measured in the same run: the cost a search would pay if it walked every time.
 *
 * <p>Arguments: facts (2,000), queries (3,000; the first third is warm-up).
 */
public final class ArchivalSearchBenchmark {
  private ArchivalSearchBenchmark() {}

  private static final String[] WORDS = {
    "apple", "river", "guitar", "lesson", "pizza", "garden", "tomato", "rain", "book", "library",
    "train", "coffee"
  };

  public static void main(String[] args) throws Exception {
    int facts = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int queries = args.length > 1 ? Integer.parseInt(args[1]) : 3_000;
    Path dir = Files.createTempDirectory("memdir-archival-bench").resolve("agent");
    Random r = new Random(1);
    try (Agent a = Agent.init(dir, InitOptions.defaults())) {
      for (int i = 0; i < facts; i++) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < 12; j++) {
          sb.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
        }
        a.archival().insert(sb.toString().strip(), List.of(WORDS[i % WORDS.length]));
      }
    }
    // Older than the 2 s within which a fact's index entry is checked by its hash.
    Thread.sleep(2_500);
    double[] search = new double[queries];
    double[] walk = new double[queries];
    try (Agent a = Agent.open(dir)) {
      for (int i = 0; i < queries; i++) {
        String q = WORDS[r.nextInt(WORDS.length)] + " " + WORDS[r.nextInt(WORDS.length)];
        long t0 = System.nanoTime();
        a.search()
            .archivalMemorySearch(
                q, List.of(), Search.TagMatch.ANY, Optional.empty(), Optional.empty(), 10);
        search[i] = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        try (Stream<Path> s = Files.list(dir.resolve("archival"))) {
          s.forEach(
              p -> {
                try {
                  Files.readAttributes(
                      p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
        }
        walk[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    double[] s = java.util.Arrays.copyOfRange(search, queries / 3, queries);
    double[] w = java.util.Arrays.copyOfRange(walk, queries / 3, queries);
    System.out.printf(
        "archival_memory_search, %d facts, top 10: p50 %.2f ms, p95 %.2f ms%n",
        facts, Stats.percentile(s, 50), Stats.percentile(s, 95));
    System.out.printf(
        "bare walk of archival/ (listing + lstat each): p50 %.2f ms, p95 %.2f ms%n",
        Stats.percentile(w, 50), Stats.percentile(w, 95));
  }
}
