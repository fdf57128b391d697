package dev.memdir.cli;

import dev.memdir.bench.locomo.Category;
import dev.memdir.bench.locomo.LocomoBenchmark;
import dev.memdir.bench.locomo.LocomoData;
import dev.memdir.bench.locomo.LocomoDownload;
import dev.memdir.bench.locomo.PredictionScorer;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
      description = {
        "Run the LoCoMo benchmark in retrieval mode (no LLM): ingest each conversation into an"
            + " agent directory, ask every question through the agent's own search tool, and score"
            + " evidence recall at k = 5, 10, 25, 50.",
        "With --mode agent|full-context|oracle and --model, a model answers every question (as one"
            + " agent turn with the search tools, or with the whole conversation or only the"
            + " evidence in the prompt), scored with LoCoMo's official F1, the evidence that"
            + " reached the context and, with --judge, an LLM judge beside its leniency.",
        "Without --data it downloads locomo10.json (CC BY-NC) into the cache folder and checks"
            + " its sha256. Runs resume: start again with the same --out."
      },
      subcommands = {Score.class, Compare.class})
  static final class Locomo implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", paramLabel = "FILE", description = "A LoCoMo data file (offline).")
    Path data;

    @Option(
        names = "--data-url",
        paramLabel = "URL",
        description = "Where to download the data (default: ${DEFAULT-VALUE}).",
        defaultValue = LocomoDownload.DEFAULT_URL)
    String dataUrl;

    @Option(
        names = "--data-sha256",
        paramLabel = "HEX",
        description = "The expected sha256 of the download (default: the public file's).",
        defaultValue = LocomoDownload.DEFAULT_SHA256)
    String dataSha256;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "The run folder (default: runs/locomo-<UTC time>).")
    Path out;

    @Option(
        names = "--layout",
        paramLabel = "LAYOUT",
        converter = Opts.BenchLayout.class,
        defaultValue = "files",
        description =
            "files (search_files over one file per session), history (conversation_search over the history log) or both (default: ${DEFAULT-VALUE}).")
    String layout;

    @Option(
        names = "--k1",
        converter = Opts.NonNegativeNumber.class,
        description = "BM25 k1 (default: 1.2).")
    Double k1;

    @Option(
        names = "--b",
        converter = Opts.Fraction.class,
        description = "BM25 b (default: 0.4, chosen on the dev file).")
    Double b;

    @Option(
        names = "--window",
        converter = Opts.NonNegative.class,
        description = "Turns either side indexed with each turn.")
    Integer window;

    @Option(
        names = "--neighbours",
        converter = Opts.NonNegative.class,
        description = "Turns either side each hit brings.")
    Integer neighbours;

    @Option(
        names = "--neighbour-weight",
        converter = Opts.NonNegativeNumber.class,
        description = "A neighbour's score as a fraction of its hit's (default: 0.8).")
    Double neighbourWeight;

    @Option(
        names = "--reply-weight",
        converter = Opts.NonNegativeNumber.class,
        description =
            "The score of the turn after a hit that asks a question, as a fraction of the hit's"
                + " (default: 1.0).")
    Double replyWeight;

    @Option(
        names = "--question-weight",
        converter = Opts.NonNegativeNumber.class,
        description = "Score factor for a turn that asks a question (default: 0.75).")
    Double questionWeight;

    @Option(
        names = "--speaker-boost",
        converter = Opts.NonNegativeNumber.class,
        description = "Score factor for turns by the named speaker.")
    Double speakerBoost;

    @Option(
        names = "--speaker-gate",
        converter = Opts.NonNegativeNumber.class,
        description =
            "Boost only if the named speaker's best turn reaches this fraction of the others' best (default: 0.7).")
    Double speakerGate;

    @Option(
        names = "--hypernym-weight",
        converter = Opts.NonNegativeNumber.class,
        description =
            "Weight of a question word found among a turn's WordNet hypernyms (Chicago: city);"
                + " 0 turns hypernyms off (default: 0.5).")
    Double hypernymWeight;

    @Option(
        names = "--mode",
        paramLabel = "MODE",
        converter = Opts.BenchMode.class,
        defaultValue = "retrieval",
        description =
            "retrieval (no LLM), agent (each question is one agent turn with the search tools),"
                + " full-context (the whole conversation in the prompt) or oracle (only the"
                + " evidence turns) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(
        names = "--model",
        paramLabel = "PROVIDER/NAME",
        converter = Opts.Model.class,
        description =
            "The answering model, e.g. openai/gpt-4o-mini (modes agent, full-context, oracle).")
    String model;

    @Option(names = "--base-url", paramLabel = "URL", description = "The model's server.")
    String baseUrl;

    @Option(
        names = "--conversations",
        paramLabel = "ID,...",
        split = ",",
        description = "Only these conversations (sample_ids).")
    List<String> conversations;

    @Option(
        names = "--limit",
        paramLabel = "N",
        converter = Opts.NonNegative.class,
        defaultValue = "0",
        description = "Only the first N questions in data order (0: all).")
    int limit;

    @Option(
        names = "--parallel",
        paramLabel = "N",
        converter = Opts.Positive.class,
        defaultValue = "1",
        description = "Conversations answered at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(
        names = "--judge",
        paramLabel = "PROVIDER/NAME",
        converter = Opts.Model.class,
        description = "Also score with this LLM judge (J over categories 1-4).")
    String judge;

    @Option(names = "--judge-base-url", paramLabel = "URL", description = "The judge's server.")
    String judgeBaseUrl;

    @Option(
        names = "--judge-prompt",
        paramLabel = "PROMPT",
        converter = Opts.JudgePrompt.class,
        defaultValue = "mem0",
        description =
            "mem0 (generous: same topic, same date) or strict (default: ${DEFAULT-VALUE}).")
    String judgePrompt;

    @Option(
        names = "--judge-runs",
        paramLabel = "N",
        converter = Opts.Positive.class,
        defaultValue = "1",
        description =
            "Judge each answer N times; J is reported as mean ± sd (default: ${DEFAULT-VALUE}).")
    int judgeRuns;

    @Option(
        names = "--answer-key",
        paramLabel = "FILE",
        description =
            "Corrected gold answers, one {\"sample_id\", \"question_index\", \"answer\"} per line;"
                + " the report shows F1 under both keys.")
    Path answerKey;

    @Option(names = "--no-speaker", description = "The query policy never passes a speaker.")
    boolean noSpeaker;

    @Option(
        names = "--keep-names",
        description = "The query policy keeps the speakers' names in the query.")
    boolean keepNames;

    @Option(
        names = "--keep-frame-words",
        description =
            "The query policy keeps the question's frame words (how many, what kind of, ...) in"
                + " the query.")
    boolean keepFrameWords;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      LocomoBenchmark.Options o =
          new LocomoBenchmark.Options(
              layout,
              Optional.ofNullable(k1),
              Optional.ofNullable(b),
              Optional.ofNullable(window),
              Optional.ofNullable(neighbours),
              Optional.ofNullable(neighbourWeight),
              Optional.ofNullable(replyWeight),
              Optional.ofNullable(questionWeight),
              Optional.ofNullable(speakerBoost),
              Optional.ofNullable(speakerGate),
              Optional.ofNullable(hypernymWeight),
              !noSpeaker,
              !keepNames,
              !keepFrameWords);
      // Before any download: every value is checked first.
      try {
        LocomoBenchmark.check(o);
      } catch (IllegalArgumentException e) {
        // A value out of its range is a usage error, named by its option.
        throw new ParameterException(
            spec.commandLine(), LocomoBenchmark.optionWords(e.getMessage()));
      }
      Path file =
          data != null
              ? data
              : LocomoDownload.fetch(
                  URI.create(dataUrl),
                  dataSha256,
                  LocomoDownload.cacheDir(System.getenv()),
                  err::println);
      Path dir = out != null ? out : LocomoBenchmark.defaultOut();
      if (List.of("agent", "full-context", "oracle").contains(mode)) {
        if (model == null) {
          throw new ParameterException(
              spec.commandLine(), "--mode " + mode + " needs --model PROVIDER/NAME");
        }
        LocomoBenchmark.Summary s =
            LocomoBenchmark.answer(
                file,
                dir,
                new LocomoBenchmark.AnswerOptions(
                    mode,
                    model,
                    Optional.ofNullable(baseUrl),
                    conversations == null ? List.of() : conversations,
                    limit,
                    parallel,
                    Optional.ofNullable(judge),
                    Optional.ofNullable(judgeBaseUrl),
                    judgePrompt,
                    judgeRuns,
                    Optional.ofNullable(answerKey)),
                err);
        Cli.out(spec).print(s.text());
        return 0;
      }
      if (!mode.equals("retrieval")) {
        throw new ParameterException(
            spec.commandLine(),
            "--mode must be retrieval, agent, full-context or oracle, got \"" + mode + "\"");
      }
      List<String> answerOnly = new java.util.ArrayList<>();
      if (model != null) {
        answerOnly.add("--model");
      }
      if (judge != null) {
        answerOnly.add("--judge");
      }
      if (answerKey != null) {
        answerOnly.add("--answer-key");
      }
      if (conversations != null) {
        answerOnly.add("--conversations");
      }
      if (limit != 0) {
        answerOnly.add("--limit");
      }
      if (!answerOnly.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(),
            String.join(", ", answerOnly)
                + " only work with --mode agent, full-context or oracle (retrieval mode asks no"
                + " model)");
      }
      LocomoBenchmark.Summary s = LocomoBenchmark.run(file, dir, o, err, System.console() != null);
      Cli.out(spec).print(s.text());
      return 0;
    }
  }

  @Command(
      name = "compare",
      mixinStandardHelpOptions = true,
      description = {
        "Compare two answering runs: F1 per category over the questions both answered, the"
            + " deltas, and the questions that flipped between correct and wrong."
      })
  static final class Compare implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Parameters(
        index = "0",
        paramLabel = "RUN_A",
        description = "A run folder.")
    Path a;

    @picocli.CommandLine.Parameters(
        index = "1",
        paramLabel = "RUN_B",
        description = "A run folder.")
    Path b;

    @Override
    public Integer call() {
      Cli.out(spec).print(LocomoBenchmark.compare(a, b));
      return 0;
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

    @Option(
        names = "--data",
        required = true,
        paramLabel = "FILE",
        description = "The LoCoMo data file (locomo10.json or a subset).")
    Path data;

    @Option(
        names = "--predictions",
        required = true,
        paramLabel = "PRED.jsonl",
        description = "The predictions.")
    Path predictions;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Where scores.jsonl and report.json go.")
    Path out;

    @Override
    public Integer call() {
      LocomoData d = LocomoData.read(data);
      PredictionScorer.Result r = PredictionScorer.score(d, predictions, out);
      PrintWriter o = Cli.out(spec);
      o.printf("questions: %d (missing predictions, scored 0: %d)%n", r.questions(), r.missing());
      o.printf("F1 overall: %.4f   cats 1-4: %.4f%n", r.overall(), r.cats14());
      new java.util.TreeMap<>(r.byCategory())
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
