package dev.memdir.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the class-data sharing archive: runs the everyday commands on a throw-away
 * agent so that the JVM, started with {@code -XX:ArchiveClassesAtExit=memdir.jsa}, archives the
 * classes they load. The build runs it after making the launcher, and the launcher runs it when its
 * archive is missing or older than itself; see {@code src/main/launcher/memdir.sh}.
 */
public final class CdsTraining {
  /** The command lines, {@code DIR} standing for the agent directory. */
  static final List<List<String>> COMMANDS =
      List.of(
          List.of("--version"),
          List.of("--help"),
          List.of("init", "DIR", "--name", "training", "--human", "Name: Ada"),
          List.of("show", "DIR"),
          List.of("show", "DIR", "--json"),
          List.of("validate", "DIR"),
          List.of("history", "append", "DIR", "Hello there", "--role", "user"),
          List.of(
              "history",
              "append",
              "DIR",
              "Hi",
              "--role",
              "assistant",
              "--ts",
              "2026-01-02T03:04:05Z"),
          List.of("history", "DIR", "--tail", "5"),
          List.of("history", "DIR", "--json"),
          List.of("memory", "DIR", "human"),
          List.of("memory", "append", "DIR", "human", "Likes tea"),
          List.of("archival", "add", "DIR", "Ada was born in 1815", "--tag", "people"),
          List.of("archival", "list", "DIR"),
          List.of("archival", "search", "DIR", "born"),
          List.of("history", "search", "DIR", "hello"),
          List.of("search", "DIR", "anything"),
          List.of("context", "DIR"),
          List.of("init", "DIR-git", "--git"),
          List.of("history", "append", "DIR-git", "Hello", "--role", "user"),
          List.of("log", "DIR-git"),
          // The LoCoMo retrieval run loads ~300 classes of its own (the harness, Lucene's writer):
          // on a dataset of the project's own in LoCoMo's schema (LOCOMO_SHAPED, below).
          List.of("bench", "locomo", "--data", "DIR-locomo.json", "--out", "DIR-run"),
          List.of(
              "bench",
              "locomo",
              "--data",
              "DIR-locomo.json",
              "--out",
              "DIR-run-history",
              "--layout",
              "history"));

  /**
   * Two short conversations in LoCoMo's schema for the training's {@code bench locomo}, written
   * here (no text of LoCoMo's own).
   */
  static final String LOCOMO_SHAPED =
      """
      [
        {"sample_id": "cds-1",
         "conversation": {
           "speaker_a": "Ines", "speaker_b": "Marek",
           "session_1_date_time": "9:15 am on 3 March, 2024",
           "session_1": [
             {"speaker": "Ines", "dia_id": "D1:1", "text": "I repaired the old sailing boat."},
             {"speaker": "Marek", "dia_id": "D1:2", "text": "Where will you take it first?"},
             {"speaker": "Ines", "dia_id": "D1:3", "text": "To the lake, next weekend.",
              "blip_caption": "a photo of a small white boat"}],
           "session_2_date_time": "6:40 pm on 17 March, 2024",
           "session_2": [
             {"speaker": "Marek", "dia_id": "D2:1", "text": "How was the lake trip?"},
             {"speaker": "Ines", "dia_id": "D2:2", "text": "Windy, but we sailed for 3 hours."}]},
         "qa": [
           {"question": "Where did Ines take the boat?", "answer": "the lake",
            "evidence": ["D1:3"], "category": 4},
           {"question": "When did Ines repair the boat?", "answer": "March 2024",
            "evidence": ["D1:1"], "category": 2},
           {"question": "What did Marek repair?", "adversarial_answer": "a boat",
            "evidence": ["D1:1"], "category": 5}]},
        {"sample_id": "cds-2",
         "conversation": {
           "speaker_a": "Tomo", "speaker_b": "Lale",
           "session_1_date_time": "8:05 pm on 20 June, 2023",
           "session_1": [
             {"speaker": "Tomo", "dia_id": "D1:1", "text": "I started learning the cello."},
             {"speaker": "Lale", "dia_id": "D1:2", "text": "I adopted a puppy called Miso."}]},
         "qa": [
           {"question": "What is the name of Lale's puppy?", "answer": "Miso",
            "evidence": ["D1:2"], "category": 4}]}
      ]
      """;

  /**
   * The short commands' archive ({@code memdir.short.jsa}): the commands above without searches and
   * the benchmark, whose Lucene classes would double its size. The JVM relocates a whole archive at
   * every start, so the smaller one starts {@code show} about 40 ms sooner (benchmarks/RESULTS.md,
   * "CLI start"). The launcher uses it for the commands it runs with the C1 compiler alone.
   */
  static final List<List<String>> SHORT_COMMANDS =
      COMMANDS.stream().filter(c -> !c.contains("search") && !c.contains("bench")).toList();

  private CdsTraining() {}

  /**
   * Runs {@link #COMMANDS}, or {@link #SHORT_COMMANDS} with the argument {@code short}, in a
   * temporary directory it deletes afterwards; exits 1 on a failure.
   */
  public static void main(String[] args) throws IOException {
    boolean shortOnly = args.length > 0 && args[0].equals("short");
    Path tmp = Files.createTempDirectory("memdir-cds-");
    int failures;
    try {
      failures =
          run(
              tmp,
              shortOnly ? SHORT_COMMANDS : COMMANDS,
              new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    } finally {
      delete(tmp);
    }
    if (failures > 0) {
      System.exit(1);
    }
  }

  /** Runs {@link #COMMANDS} with agents under {@code tmp}; returns how many did not exit 0. */
  static int run(Path tmp, PrintWriter err) {
    return run(tmp, COMMANDS, err);
  }

  /** Runs {@code commands} with agents under {@code tmp}; returns how many did not exit 0. */
  static int run(Path tmp, List<List<String>> commands, PrintWriter err) {
    int failures = 0;
    Main.warmUpNow(); // what `main` starts beside every command's parsing
    try {
      Files.writeString(tmp.resolve("agent-locomo.json"), LOCOMO_SHAPED);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PrintWriter sink =
        new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    for (List<String> command : commands) {
      String[] line =
          command.stream()
              .map(a -> a.startsWith("DIR") ? tmp.resolve("agent" + a.substring(3)).toString() : a)
              .toArray(String[]::new);
      int code = Main.run(line, InputStream.nullInputStream(), sink, sink);
      if (code != 0) {
        err.println(
            "memdir: class-data training: 'memdir "
                + String.join(" ", command)
                + "' exited "
                + code);
        failures++;
      }
    }
    err.flush();
    return failures;
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
