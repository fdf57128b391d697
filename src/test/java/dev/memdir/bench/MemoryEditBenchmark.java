package dev.memdir.bench;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.format.AtomicFiles;
import dev.memdir.memory.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The cost of one core-memory edit (read, parse, check, atomic fsynced rewrite) against the
 * baseline of a bare atomic fsynced write of the same bytes, in the same process.
 */
public final class MemoryEditBenchmark {
  private MemoryEditBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Path dir = Files.createTempDirectory("memdir-bench");
    try (Agent agent = Agent.init(dir.resolve("a"), InitOptions.defaults())) {
      Path file = dir.resolve("a/memory/human.md");
      double[] edit = new double[rounds];
      double[] baseline = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        agent.memory().rethink(Actor.AGENT, "human", "Name: Ada. Round " + i + ".");
        long t1 = System.nanoTime();
        String text = Files.readString(file);
        long t2 = System.nanoTime();
        AtomicFiles.write(file, text);
        long t3 = System.nanoTime();
        edit[i] = (t1 - t0) / 1e6;
        baseline[i] = (t3 - t2) / 1e6;
      }
      double m = Stats.median(edit);
      double b = Stats.median(baseline);
      System.out.printf(
          "memory edit: median %.3f ms, p95 %.3f ms; bare atomic write: median %.3f ms; ratio %.2f%n",
          m, Stats.percentile(edit, 95), b, m / b);
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
