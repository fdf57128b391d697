package dev.memdir.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The start of short CLI commands, measured as {@code /usr/bin/time} sees them (wall and user+sys
 * CPU of the whole process), against {@code java -version} in the same rounds: {@code --version},
 * {@code show}, one {@code history append}, and 20 appends against one {@code history import} of
 * the same 20 messages. Rounds interleave the commands, so load from other processes hits them
 * alike; medians are printed, with each command's ratio to {@code java -version}.
 *
 * <p>Arguments: {@code LAUNCHER [BEFORE_LAUNCHER] [ROUNDS]}: the launcher to measure (default
 * {@code target/memdir}), optionally an older launcher measured in the same rounds, and the number
 * of rounds (default 11). Needs {@code /usr/bin/time}.
 */
public final class CliStartBenchmark {
  private CliStartBenchmark() {}

  public static void main(String[] args) throws Exception {
    String now = args.length > 0 ? args[0] : "target/memdir";
    String before = args.length > 1 && !args[1].matches("\\d+") ? args[1] : null;
    int rounds =
        args.length > 0 && args[args.length - 1].matches("\\d+")
            ? Integer.parseInt(args[args.length - 1])
            : 11;
    Path tmp = Files.createTempDirectory("memdir-cli-start");
    Map<String, List<double[]>> runs = new LinkedHashMap<>();
    Path jsonl = tmp.resolve("twenty.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      lines.append("{\"role\":\"user\",\"content\":\"message ").append(i).append("\"}\n");
    }
    Files.writeString(jsonl, lines, StandardCharsets.UTF_8);
    List<String[]> launchers = new ArrayList<>();
    launchers.add(new String[] {"now", now});
    if (before != null) {
      launchers.add(new String[] {"before", before});
    }
    for (String[] l : launchers) {
      Path dir = tmp.resolve("agent-" + l[0]);
      run(l[1], "init", dir.toString());
      run(l[1], "--version"); // the launcher makes its archive here if it has none
    }
    for (int r = 0; r < rounds; r++) {
      time(runs, "java -version", "java", "-version");
      for (String[] l : launchers) {
        String dir = tmp.resolve("agent-" + l[0]).toString();
        time(runs, l[0] + ": memdir --version", l[1], "--version");
        time(runs, l[0] + ": memdir show", l[1], "show", dir);
        time(
            runs,
            l[0] + ": memdir history append",
            l[1],
            "history",
            "append",
            dir,
            "hi",
            "--role",
            "user");
      }
    }
    for (String[] l : launchers) {
      String dir = tmp.resolve("agent-" + l[0]).toString();
      for (int r = 0; r < 3; r++) {
        double[] sum = new double[2];
        for (int i = 0; i < 20; i++) {
          double[] t = timeOnce(l[1], "history", "append", dir, "message " + i, "--role", "user");
          sum[0] += t[0];
          sum[1] += t[1];
        }
        runs.computeIfAbsent(l[0] + ": 20 x history append", k -> new ArrayList<>()).add(sum);
        if (l[0].equals("now")) {
          time(runs, "now: history import of 20", l[1], "history", "import", dir, jsonl.toString());
        }
      }
    }
    double base = median(runs.get("java -version"), 0);
    double baseCpu = median(runs.get("java -version"), 1);
    System.out.printf("%-34s %9s %9s %8s %8s%n", "command", "wall s", "cpu s", "wall x", "cpu x");
    for (Map.Entry<String, List<double[]>> e : runs.entrySet()) {
      double w = median(e.getValue(), 0);
      double c = median(e.getValue(), 1);
      System.out.printf(
          Locale.ROOT, "%-34s %9.2f %9.2f %8.1f %8.1f%n", e.getKey(), w, c, w / base, c / baseCpu);
    }
    System.out.printf("(%d rounds; medians)%n", rounds);
    try (java.util.stream.Stream<Path> s = Files.walk(tmp)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void time(Map<String, List<double[]>> runs, String name, String... cmd)
      throws IOException, InterruptedException {
    runs.computeIfAbsent(name, k -> new ArrayList<>()).add(timeOnce(cmd));
  }

  /** Wall and user+sys seconds of one run, as /usr/bin/time reports them. */
  private static double[] timeOnce(String... cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("memdir-time", ".txt");
    try {
      List<String> line =
          new ArrayList<>(List.of("/usr/bin/time", "-o", out.toString(), "-f", "%e %U %S"));
      line.addAll(List.of(cmd));
      Process p =
          new ProcessBuilder(line)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("failed: " + String.join(" ", cmd));
      }
      List<String> lines = Files.readAllLines(out);
      String[] f = lines.get(lines.size() - 1).trim().split(" ");
      return new double[] {
        Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2])
      };
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    timeOnce(cmd);
  }

  private static double median(List<double[]> xs, int i) {
    double[] v = xs.stream().mapToDouble(x -> x[i]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
