package dev.memdir.bench.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The reliability campaign of issue #11, as one command: crashes (child JVMs SIGKILLed during
 * memory edits, archival adds, history appends, {@code send} and reindex), a person's editor saving
 * with every save pattern while the agent edits, hostile paths including a symlink-swap race, bombs
 * of time and memory, and malformed hand edits. It prints one row per attack, writes them to a
 * Markdown file with the command that reproduces them, and exits 1 when a goal is missed.
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Dexec.mainClass=dev.memdir.bench.reliability.ReliabilityCampaign \
 *     -Dexec.args="--seed 11 --quick --write benchmarks/RELIABILITY.md"
 * </pre>
 *
 * <p>Arguments: {@code --seed N} (default random, printed), {@code --quick} (default; under two
 * minutes) or {@code --full} (240 kills, 600 saves, a 30 s race), {@code --write FILE}, {@code
 * --work DIR} (default a new temporary folder, deleted afterwards unless a goal is missed), {@code
 * --only crash,save,path,bomb,malformed} (some families; a fixer's quick check).
 */
public final class ReliabilityCampaign {
  /** The families, in the order they run and are reported. */
  static final List<String> FAMILIES = List.of("crash", "save", "path", "bomb", "malformed");

  private ReliabilityCampaign() {}

  public static void main(String[] args) throws Exception {
    long seed = new Random().nextLong() & Long.MAX_VALUE;
    boolean full = false;
    Path write = null;
    Path work = null;
    List<String> only = FAMILIES;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--quick" -> full = false;
        case "--full" -> full = true;
        case "--write" -> write = Path.of(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--only" -> only = List.of(args[++i].split(","));
        default -> {
          System.err.println(
              "usage: ReliabilityCampaign [--seed N] [--quick|--full] [--write FILE] [--work DIR]"
                  + " [--only crash,save,path,bomb,malformed]"
                  + "; unknown argument '"
                  + args[i]
                  + "'");
          System.exit(2);
        }
      }
    }
    boolean ownWork = work == null;
    if (ownWork) {
      work = Files.createTempDirectory("memdir-campaign-");
    } else {
      Files.createDirectories(work);
    }
    if (!FAMILIES.containsAll(only)) {
      System.err.println("--only takes some of " + FAMILIES + ", got " + only);
      System.exit(2);
    }
    Plan plan = full ? Plan.full(seed, work) : Plan.quick(seed, work);
    String command =
        "./mvnw -q test-compile exec:java"
            + " -Dexec.mainClass="
            + ReliabilityCampaign.class.getName()
            + " -Dexec.args=\"--seed "
            + seed
            + (full ? " --full" : " --quick")
            + (only.equals(FAMILIES) ? "" : " --only " + String.join(",", only))
            + (write == null ? "" : " --write " + write)
            + "\"";
    System.out.println("reliability campaign, seed " + seed + (full ? ", full" : ", quick"));
    System.out.println("work folder: " + work);
    long t0 = System.nanoTime();
    Instant started = Instant.now();
    List<Row> rows = run(plan, only);
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    Report report = new Report(rows, plan, command, started, seconds);
    System.out.println();
    System.out.print(report.table());
    System.out.print(report.failures());
    if (write != null) {
      report.write(write);
      System.out.println("wrote " + write);
    }
    boolean met = report.goalsMet();
    System.out.println(
        met
            ? "every goal met in " + seconds + " s"
            : "GOALS MISSED (" + report.missed() + " row(s)) in " + seconds + " s; seed " + seed);
    if (ownWork && met) {
      deleteQuietly(work);
    } else {
      System.out.println("the agents of the campaign are kept in " + work);
    }
    System.out.flush();
    System.exit(met ? 0 : 1);
  }

  /** Runs every family of {@code plan}; a family that hangs past its budget is a failed row. */
  static List<Row> run(Plan plan) throws IOException {
    return run(plan, FAMILIES);
  }

  static List<Row> run(Plan plan, List<String> families) throws IOException {
    Files.createDirectories(plan.work());
    List<Row> rows = new ArrayList<>();
    for (String family : families) {
      long t0 = System.nanoTime();
      rows.addAll(guarded(family, plan));
      System.out.printf("  %-10s done in %d ms%n", family, (System.nanoTime() - t0) / 1_000_000);
    }
    return rows;
  }

  private static List<Row> guarded(String family, Plan plan) {
    FutureTask<List<Row>> task =
        new FutureTask<>(
            () ->
                switch (family) {
                  case "crash" -> Crashes.run(plan);
                  case "save" -> SavePatterns.run(plan);
                  case "path" -> HostilePaths.run(plan);
                  case "bomb" -> Bombs.run(plan);
                  case "malformed" -> MalformedEdits.run(plan);
                  default -> throw new IllegalArgumentException(family);
                });
    Thread th = new Thread(task, "campaign-" + family);
    th.setDaemon(true);
    th.start();
    long budget = plan.full() ? 3_600_000L : 600_000L;
    try {
      return task.get(budget, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      th.interrupt();
      return List.of(broken(family, "did not finish in " + budget / 1000 + " s (hung)"));
    } catch (ExecutionException e) {
      e.getCause().printStackTrace();
      return List.of(broken(family, "the harness failed: " + e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of(broken(family, "interrupted"));
    }
  }

  private static Row broken(String family, String why) {
    Row.Tally t = new Row.Tally(family, "the whole family");
    t.fail(why);
    return t.row();
  }

  private static void deleteQuietly(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // A temporary folder; what is left is harmless.
                }
              });
    } catch (IOException ignored) {
      // Same.
    }
  }
}
