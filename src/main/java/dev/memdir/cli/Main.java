package dev.memdir.cli;

import dev.memdir.MemdirException;
import dev.memdir.Version;
import dev.memdir.format.YamlMap;
import dev.memdir.history.Record;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code memdir} command.
 *
 * <p>The {@code subcommands} of this annotation are the list of commands; {@link #commandLine}
 * builds the model of only the one a command line names, since picocli's reflection over all of
 * them was most of a short command's start.
 */
@Command(
    name = "memdir",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Stateful LLM agents whose whole memory is a plain directory.",
    subcommands = {
      InitCommand.class,
      ShowCommand.class,
      ValidateCommand.class,
      MemoryCommand.class,
      ArchivalCommand.class,
      SearchCommand.class,
      GrepCommand.class,
      OpenCommand.class,
      CloseCommand.class,
      ReindexCommand.class,
      HistoryCommand.class,
      BenchCommand.class,
      DoctorCommand.class,
      SendCommand.class,
      ChatCommand.class,
      ContextCommand.class,
      SyncCommand.class,
      LogCommand.class,
      DiffCommand.class,
      UndoCommand.class,
      MergeFileCommand.class,
      McpCommand.class,
      ServeCommand.class,
      ImportCommand.class,
      ExportCommand.class,
    })
public final class Main implements Runnable {
  final InputStream in;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Main(InputStream in) {
    this.in = in;
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    // Recoveries (a torn history line set aside) are logged once; print them as our warnings.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "memdir: warning: %5$s%n");
    }
    warmUp(args);
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, System.in, out, err));
  }

  /**
   * Starts, beside picocli's parsing, the one-time set-up nearly every command meets later (#15):
   * Jackson's first mapper (its date formats read the JDK's calendar and time-zone data), the YAML
   * parser that reads agent.yaml, and the random source of new record ids. On two cores this takes
   * it off the command's own path (benchmarks/RESULTS.md, "CLI start"). Nothing is read or written;
   * a failure here is ignored, and the command meets it again where it has its own error handling.
   * Not for {@code --version} and help, which need none of it.
   */
  static void warmUp(String[] args) {
    String first = args.length == 0 ? "" : args[0];
    if (first.isEmpty() || first.startsWith("-")) {
      return;
    }
    Thread t = new Thread(new WarmUp(), "memdir-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** Runs the command line with the given streams and returns the exit code. */
  public static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(new Main(in), args);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof MemdirException || e instanceof IllegalArgumentException) {
            cmd.getErr().println("memdir: " + e.getMessage());
            cmd.getErr().flush();
            return 1;
          }
          throw e;
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * The command line for {@code args}: {@code memdir} with only the subcommand {@code args[0]}
   * names, none for {@code --version}, and all of them otherwise (help, usage errors, suggestions
   * for a mistyped name).
   */
  static CommandLine commandLine(Main main, String[] args) {
    Command top = Main.class.getAnnotation(Command.class);
    CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(main);
    spec.name(top.name()).mixinStandardHelpOptions(true).versionProvider(new VersionProvider());
    spec.usageMessage().description(top.description());
    main.spec = spec;
    CommandLine cl = new CommandLine(spec);
    String first = args.length == 0 ? "" : args[0];
    boolean version = first.equals("-V") || first.equals("--version");
    boolean named = Arrays.stream(top.subcommands()).anyMatch(c -> names(c).contains(first));
    for (Class<?> c : top.subcommands()) {
      if (!version && (!named || names(c).contains(first))) {
        cl.addSubcommand(c);
      }
    }
    return cl;
  }

  private static List<String> names(Class<?> command) {
    Command c = command.getAnnotation(Command.class);
    List<String> names = new ArrayList<>(List.of(c.aliases()));
    names.add(c.name());
    return names;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Runs the warm-up on this thread (the class-data training run). */
  static void warmUpNow() {
    new WarmUp().run();
  }

  /** What {@link #warmUp} runs; a class, not a lambda, so the class-data archive holds it. */
  private static final class WarmUp implements Runnable {
    @Override
    public void run() {
      try {
        YamlMap.parse("name: warm-up\n", "warm-up", 1);
        Class.forName(Record.class.getName(), true, Main.class.getClassLoader());
        new SecureRandom().nextLong();
      } catch (Throwable ignored) {
        // the command meets it again, with its own error handling
      }
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"memdir " + Version.get()};
    }
  }
}
