package dev.memdir.bench.reliability;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Child JVMs of the campaign, on the test class path, with a heap cap and a wall-clock limit. */
final class Jvm {
  private Jvm() {}

  /**
   * The test class path. Under {@code exec:java} the project's classes are loaded by a class loader
   * of Maven's, not from {@code java.class.path}, so read its URLs when there are any.
   */
  static String classpath() {
    Set<String> entries = new LinkedHashSet<>();
    for (ClassLoader cl = Jvm.class.getClassLoader(); cl != null; cl = cl.getParent()) {
      if (cl instanceof URLClassLoader u) {
        for (URL url : u.getURLs()) {
          try {
            entries.add(new File(url.toURI()).getPath());
          } catch (URISyntaxException | IllegalArgumentException e) {
            entries.add(url.getPath());
          }
        }
      }
    }
    boolean hasOurs = entries.stream().anyMatch(e -> e.contains("test-classes"));
    return hasOurs
        ? String.join(File.pathSeparator, entries)
        : System.getProperty("java.class.path");
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Starts {@link Child} with {@code args}; stderr goes to {@code errLog}. */
  static Process start(String heap, Path errLog, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx" + heap, "-XX:+UseSerialGC"));
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-Xss1m", "-cp", classpath()));
    cmd.add(Child.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.appendTo(errLog.toFile()))
        .start();
  }

  /**
   * What a bounded child did.
   *
   * @param exit its exit code, or -1 when it was killed at the time limit
   * @param millis wall-clock time
   * @param out its standard output
   */
  record Outcome(int exit, long millis, String out) {
    boolean timedOut() {
      return exit == -1;
    }

    /** The value of the last {@code key=value} line, or empty. */
    String value(String key) {
      String found = "";
      for (String line : out.split("\n")) {
        if (line.startsWith(key + "=")) {
          found = line.substring(key.length() + 1);
        }
      }
      return found;
    }
  }

  /** Runs a child to its end or kills it (SIGKILL) after {@code limitMillis}. */
  static Outcome run(long limitMillis, String heap, Path errLog, String... args)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p = start(heap, errLog, args);
    p.getOutputStream().close();
    Path outFile = Files.createTempFile("campaign-child", ".out");
    try {
      Thread pump =
          new Thread(
              () -> {
                try (var in = p.getInputStream()) {
                  Files.copy(in, outFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException ignored) {
                  // The child was killed; what it wrote so far is kept.
                }
              });
      pump.setDaemon(true);
      pump.start();
      boolean done = p.waitFor(limitMillis, TimeUnit.MILLISECONDS);
      if (!done) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      pump.join(5_000);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      String out = Files.readString(outFile, StandardCharsets.UTF_8);
      return new Outcome(done ? p.exitValue() : -1, ms, out);
    } finally {
      Files.deleteIfExists(outFile);
    }
  }

  /** This process's peak resident memory in MiB, from /proc (0 where there is none). */
  static long peakRssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
