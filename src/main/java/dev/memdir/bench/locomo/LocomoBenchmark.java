package dev.memdir.bench.locomo;

import dev.memdir.format.SearchSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** The public entry of the retrieval benchmark, for the command line. */
public final class LocomoBenchmark {
  private LocomoBenchmark() {}

  /**
   * What the command line may set; empty means the agent default.
   *
   * @param layout files, history or both
   * @param k1 BM25 k1
   * @param b BM25 b
   * @param window turns either side indexed with each turn
   * @param neighbours turns either side a hit brings
   * @param neighbourWeight a neighbour's score as a fraction of its hit's
   * @param speakerBoost score factor for the named speaker's turns
   * @param speakerGate the boost's gate
   * @param speakerPolicy whether the query policy passes a speaker
   * @param dropNames whether the query policy drops the speakers' names from the query
   */
  public record Options(
      String layout,
      Optional<Double> k1,
      Optional<Double> b,
      Optional<Integer> window,
      Optional<Integer> neighbours,
      Optional<Double> neighbourWeight,
      Optional<Double> speakerBoost,
      Optional<Double> speakerGate,
      boolean speakerPolicy,
      boolean dropNames) {}

  /**
   * What a run printed and measured.
   *
   * @param text a summary table for the terminal
   * @param recallAt10 overall official recall at k = 10
   */
  public record Summary(String text, double recallAt10) {}

  /** {@code runs/locomo-<UTC time>}. */
  public static Path defaultOut() {
    return LocomoRun.defaultOut(Instant.now());
  }

  /** Runs (or resumes) the benchmark on {@code data} into {@code out}. */
  public static Summary run(Path data, Path out, Options o, PrintWriter progress, boolean console) {
    RunParams params = params(o);
    long t0 = System.nanoTime();
    LocomoData d = LocomoData.read(data);
    long loadMs = (System.nanoTime() - t0) / 1_000_000;
    LocomoRun.Outcome r = new LocomoRun(d, params, out, progress, console).run();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%d questions (%d answered now), %s layout; data loaded in %d ms%n",
            d.questionCount(),
            r.questionsRun(),
            params.layout().word(),
            loadMs));
    sb.append("evidence recall, official convention:\n");
    sb.append(String.format(Locale.ROOT, "  %-12s", "group"));
    params.ks().forEach(k -> sb.append(String.format(Locale.ROOT, " %6s", "R@" + k)));
    sb.append('\n');
    for (String g : new String[] {"overall", "cats_1_4", "1", "2", "3", "4", "5"}) {
      String label =
          g.matches("\\d") ? "cat " + g + " " + Category.of(Integer.parseInt(g)).locomoName() : g;
      sb.append(
          String.format(
              Locale.ROOT, "  %-12s", label.length() > 12 ? label.substring(0, 12) : label));
      for (int k : params.ks()) {
        sb.append(String.format(Locale.ROOT, " %6.1f", 100 * r.report().recall(g, k)));
      }
      sb.append('\n');
    }
    sb.append("timings (ms): ").append(r.reportJson().get("timings_ms")).append('\n');
    sb.append("report: ").append(out.resolve("report.md")).append('\n');
    double r10 = params.ks().contains(10) ? r.report().recall("overall", 10) : Double.NaN;
    return new Summary(sb.toString(), r10);
  }

  static RunParams params(Options o) {
    LocomoIngest.Layout layout;
    try {
      layout = LocomoIngest.Layout.valueOf(o.layout().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--layout must be files, history or both, got \"" + o.layout() + "\"");
    }
    SearchSettings s = RunParams.benchSearch();
    s = s.withBm25(o.k1().orElse(s.k1()), o.b().orElse(s.b()));
    s = s.withWindow(o.window().orElse(s.window()), o.neighbours().orElse(s.neighbours()));
    s = s.withNeighbourWeight(o.neighbourWeight().orElse(s.neighbourWeight()));
    s =
        s.withSpeaker(
            o.speakerBoost().orElse(s.speakerBoost()), o.speakerGate().orElse(s.speakerGate()));
    return new RunParams(layout, RunParams.DEFAULT_KS, s, o.speakerPolicy(), o.dropNames());
  }
}
