package dev.memdir.bench;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.history.Message;
import dev.memdir.search.ReindexReport;
import dev.memdir.search.Search;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code conversation_search} on an agent with 1,000,000 history messages: the index build, the
 * latency of a search (warm, in-process, the freshness check of {@code history/} included), and the
 * latency of a search right after one appended message (which it indexes first, reading the segment
 * forward from where it stopped).
 *
 * <p>Arguments: messages (default 1,000,000), queries (2,000). System properties: {@code
 * -Dappends=N} appends and searches (200), {@code -Dguest=true} measures the appends with another
 * instance owning the index on disk, so this one searches the last commit plus the tail in memory.
 */
public final class ConversationSearchBenchmark {
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private ConversationSearchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int queries = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    Path tmp = Files.createTempDirectory("memdir-history-bench");
    try {
      Path dir = tmp.resolve("agent");
      Agent.init(dir, InitOptions.defaults()).close();
      SyntheticText text = new SyntheticText(11, 20_000);
      long t0 = System.nanoTime();
      long bytes = write(dir.resolve("history"), messages, text);
      System.out.printf(
          "history: %d messages, %.0f MB in %d monthly segments, written in %.1f s%n",
          messages, bytes / 1e6, (messages + 99_999) / 100_000, (System.nanoTime() - t0) / 1e9);
      try (Agent agent = Agent.open(dir)) {
        Search search = agent.search();
        ReindexReport r = search.reindex();
        double s = r.took().toNanos() / 1e9;
        System.out.printf(
            "index build (reindex): %.1f s = %.0f messages/s (%d indexed)%n",
            s, r.messages() / s, r.messages());
        List<String> qs = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
          qs.add(text.query());
        }
        long until = System.nanoTime() + 5_000_000_000L;
        for (int i = 0; System.nanoTime() < until; i++) {
          search.conversationSearch(
              qs.get(i % qs.size()), List.of(), Optional.empty(), Optional.empty(), 10);
        }
        double[] ms = new double[queries];
        for (int i = 0; i < queries; i++) {
          long q0 = System.nanoTime();
          search.conversationSearch(qs.get(i), List.of(), Optional.empty(), Optional.empty(), 10);
          ms[i] = (System.nanoTime() - q0) / 1e6;
        }
        double[] roles = new double[queries];
        for (int i = 0; i < queries; i++) {
          long q0 = System.nanoTime();
          search.conversationSearch(
              qs.get(i),
              List.of("user"),
              Optional.of(Instant.parse("2024-03-01T00:00:00Z")),
              Optional.empty(),
              10);
          roles[i] = (System.nanoTime() - q0) / 1e6;
        }
        int appends = Integer.getInteger("appends", 200);
        // -Dguest=true: another instance owns the index, so this one searches as a guest.
        Agent owner = Boolean.getBoolean("guest") ? Agent.open(dir) : null;
        if (owner != null) {
          search.close();
          owner.search().conversationSearch("x", List.of(), Optional.empty(), Optional.empty(), 1);
        }
        double[] after = new double[appends];
        for (int i = 0; i < appends; i++) {
          agent.history().append(Message.user(text.sentence(6, 20)));
          long q0 = System.nanoTime();
          search.conversationSearch(
              qs.get(i % qs.size()), List.of(), Optional.empty(), Optional.empty(), 10);
          after[i] = (System.nanoTime() - q0) / 1e6;
        }
        if (owner != null) {
          owner.close();
        }
        System.out.printf(
            "conversation_search (limit 10, freshness check included): p50 %.2f ms, p95 %.2f ms%n",
            Stats.median(ms), Stats.percentile(ms, 95));
        System.out.printf(
            "  with role and start-date filters:                      p50 %.2f ms, p95 %.2f ms%n",
            Stats.median(roles), Stats.percentile(roles, 95));
        System.out.printf(
            "  right after appending one message (indexed first):     p50 %.2f ms, p95 %.2f ms%n",
            Stats.median(after), Stats.percentile(after, 95));
      }
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Writes JSONL segments of 100,000 messages each, one per month from 2024-01. */
  private static long write(Path dir, int messages, SyntheticText text) throws Exception {
    long bytes = 0;
    int perSegment = 100_000;
    for (int seg = 0; seg * perSegment < messages; seg++) {
      YearMonth ym = YearMonth.of(2024, 1).plusMonths(seg);
      Path file = dir.resolve(ym + ".jsonl");
      long start = ym.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (int i = 0; i < perSegment && seg * perSegment + i < messages; i++) {
          long ms = start + i * 20_000L;
          String line =
              "{\"v\":1,\"id\":\""
                  + ulid(ms, i)
                  + "\",\"ts\":\""
                  + Instant.ofEpochMilli(ms)
                  + "\",\"role\":\""
                  + (i % 2 == 0 ? "user" : "assistant")
                  + "\",\"content\":\""
                  + text.sentence(6, 24)
                  + "\"}\n";
          w.write(line);
          bytes += line.length();
        }
      }
    }
    return bytes;
  }

  private static String ulid(long millis, long counter) {
    char[] c = new char[26];
    long t = millis;
    for (int i = 9; i >= 0; i--) {
      c[i] = CROCKFORD[(int) (t & 31)];
      t >>>= 5;
    }
    long r = counter * 2654435761L;
    for (int i = 25; i >= 10; i--) {
      c[i] = CROCKFORD[(int) (r & 31)];
      r >>>= 5;
    }
    return new String(c);
  }
}
