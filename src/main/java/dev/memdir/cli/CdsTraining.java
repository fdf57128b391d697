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
          List.of("log", "DIR-git"));

  /**
   * The short commands' archive ({@code memdir.short.jsa}): the commands above without searches,
   * whose Lucene classes would double its size. The JVM relocates a whole archive at every start,
   * so the smaller one starts {@code show} about 40 ms sooner (benchmarks/RESULTS.md, "CLI start").
   * The launcher uses it for the commands it runs with the C1 compiler alone.
   */
  static final List<List<String>> SHORT_COMMANDS =
      COMMANDS.stream().filter(c -> !c.contains("search")).toList();

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
