package dev.memdir.bench;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.search.GrepPage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code grep_files} throughput over 50 MB of text in {@code files/} (50 files of 1 MB, made-up
 * words), against {@code grep -r -n} on the same files in the same run. The patterns match a
 * handful of planted lines, so every run reads the whole corpus.
 *
 * <p>Arguments: megabytes (default 50), runs per pattern (5).
 */
public final class GrepBenchmark {
  private GrepBenchmark() {}

  private record Case(String name, String pattern, boolean ignoreCase, String grepFlags) {}

  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path tmp = Files.createTempDirectory("memdir-grep-bench");
    try {
      Path dir = tmp.resolve("agent");
      Agent.init(dir, InitOptions.defaults()).close();
      long bytes = write(dir.resolve("files"), mb);
      System.out.printf("corpus: %d files, %.1f MB%n", mb, bytes / 1e6);
      List<Case> cases =
          List.of(
              new Case("literal", "zqxjlokyr", false, "-F"),
              new Case("literal, ignore case", "ZQXJLOKYR", true, "-F -i"),
              new Case("regex with a required literal", "zqxj\\w+yr", false, "-E"),
              new Case("regex, no literal", "\\b[0-9]{5}-[0-9]{3}\\b", false, "-E"),
              new Case("alternation", "zqxjlokyr|wqpvfmzz", false, "-E"));
      System.out.println(
          "| pattern | matches | memdir grep MB/s | grep -r MB/s | ratio grep -r / memdir |");
      System.out.println("|---|---|---|---|---|");
      try (Agent agent = Agent.open(dir)) {
        for (Case c : cases) {
          double[] ours = new double[runs];
          int matches = 0;
          for (int i = -1; i < runs; i++) {
            long t0 = System.nanoTime();
            GrepPage p =
                agent.search().grepFiles(c.pattern(), Optional.empty(), 0, 0, c.ignoreCase());
            double s = (System.nanoTime() - t0) / 1e9;
            matches = p.matches().size();
            if (i >= 0) {
              ours[i] = s;
            }
          }
          double[] theirs = new double[runs];
          for (int i = -1; i < runs; i++) {
            double s = gnuGrep(dir.resolve("files"), c);
            if (i >= 0) {
              theirs[i] = s;
            }
          }
          double o = bytes / 1e6 / Stats.median(ours);
          double t = bytes / 1e6 / Stats.median(theirs);
          System.out.printf(
              Locale.ROOT,
              "| %s `%s` | %d | %.0f | %.0f | %.2f |%n",
              c.name(),
              c.pattern(),
              matches,
              o,
              t,
              t / o);
        }
      }
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double gnuGrep(Path files, Case c) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("grep", "-r", "-n"));
    cmd.addAll(List.of(c.grepFlags().split(" ")));
    cmd.add("-e");
    cmd.add(c.pattern().replace("\\w", "[[:alnum:]_]").replace("\\b", "\\b"));
    cmd.add(files.toString());
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.waitFor();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static long write(Path dir, int files) throws IOException {
    Files.createDirectories(dir);
    SyntheticText text = new SyntheticText(7, 20_000);
    Random r = new Random(7);
    long total = 0;
    for (int f = 0; f < files; f++) {
      StringBuilder sb = new StringBuilder(1 << 20);
      int line = 0;
      while (sb.length() < 1_000_000) {
        line++;
        sb.append(text.sentence(8, 16));
        if (f % 10 == 3 && line == 500) {
          sb.append(" zqxjlokyr ");
        }
        if (f % 10 == 7 && line == 900) {
          sb.append(String.format(Locale.ROOT, " %05d-%03d", r.nextInt(100_000), r.nextInt(1000)));
        }
        sb.append('\n');
      }
      byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
      Files.write(dir.resolve(String.format(Locale.ROOT, "doc-%03d.txt", f)), b);
      total += b.length;
    }
    return total;
  }
}
