package dev.memdir.bench;

import dev.memdir.agent.FaultRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Issue #12: a seeded run of 1,000 turns against the scripted server on 127.0.0.1 with random model
 * faults (429, 500, 529, slow replies, replies slower than the timeout, cut bodies and streams,
 * invalid JSON, dropped connections, invalid tool arguments), through the real OpenAI and Anthropic
 * clients, chat and streaming. Reports turns completed, turns failed cleanly (by kind), faults
 * injected, and history inconsistencies (goal 0; defined in {@link FaultRun}). Run with:
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Dexec.mainClass=dev.memdir.bench.LlmFaultBenchmark \
 *     -Dexec.args="1000 12"
 * </pre>
 *
 * Arguments: turns (default 1000), seed (default 12), reply timeout in ms (default 1000).
 */
public final class LlmFaultBenchmark {
  private LlmFaultBenchmark() {}

  public static void main(String[] args) throws Exception {
    int turns = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 12;
    Duration timeout = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 1000);
    Path dir = Files.createTempDirectory("memdir-faults");
    FaultRun.Result r = FaultRun.run(dir.resolve("agent"), seed, turns, timeout);
    System.out.printf(
        "LLM faults: %d turns, seed %d, reply timeout %d ms, %.1f s%n",
        r.turns(), r.seed(), timeout.toMillis(), r.millis() / 1000.0);
    System.out.printf(
        "  turns completed %d, failed cleanly %d, model requests %d%n",
        r.completed(), r.failedCleanly(), r.requests());
    System.out.println("  failures by kind: " + line(r.failures()));
    int injected = r.faults().values().stream().mapToInt(Integer::intValue).sum();
    System.out.println("  faults injected (" + injected + "): " + line(r.faults()));
    System.out.println("  history inconsistencies: " + r.inconsistencies().size());
    r.inconsistencies().stream().limit(20).forEach(p -> System.out.println("    " + p));
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static String line(Map<String, Integer> counts) {
    StringBuilder sb = new StringBuilder();
    counts.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    return sb.length() == 0 ? "none" : sb.toString();
  }
}
