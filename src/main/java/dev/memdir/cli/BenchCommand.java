package dev.memdir.cli;

import dev.memdir.bench.locomo.Category;
import dev.memdir.bench.locomo.LocomoData;
import dev.memdir.bench.locomo.PredictionScorer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks.",
    subcommands = {BenchCommand.Locomo.class})
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a benchmark is required: locomo");
  }

  @Command(
      name = "locomo",
      mixinStandardHelpOptions = true,
      description = "The LoCoMo benchmark.",
      subcommands = {Score.class})
  static final class Locomo implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(), "a subcommand is required: score");
    }
  }

  @Command(
      name = "score",
      mixinStandardHelpOptions = true,
      description = {
        "Score predictions with LoCoMo's official F1.",
        "PRED.jsonl holds one {\"sample_id\", \"question_index\", \"prediction\"} per line;"
            + " question_index is the position in that conversation's qa list, from 0."
      })
  static final class Score implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "The LoCoMo data file (locomo10.json or a subset).")
    Path data;

    @Option(names = "--predictions", required = true, paramLabel = "PRED.jsonl", description = "The predictions.")
    Path predictions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where scores.jsonl and report.json go.")
    Path out;

    @Override
    public Integer call() {
      LocomoData d = LocomoData.read(data);
      PredictionScorer.Result r = PredictionScorer.score(d, predictions, out);
      PrintWriter o = Cli.out(spec);
      o.printf("questions: %d (missing predictions, scored 0: %d)%n", r.questions(), r.missing());
      o.printf("F1 overall: %.4f   cats 1-4: %.4f%n", r.overall(), r.cats14());
      r.byCategory()
          .forEach(
              (k, v) -> {
                Category c = Category.of(k);
                o.printf("  cat %d (%s / Mem0: %s): %.4f%n", k, c.locomoName(), c.mem0Name(), v);
              });
      o.println("wrote " + out.resolve("scores.jsonl") + " and " + out.resolve("report.json"));
      return 0;
    }
  }
}
