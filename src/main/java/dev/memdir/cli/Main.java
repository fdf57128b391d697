package dev.memdir.cli;

import dev.memdir.MemdirException;
import dev.memdir.Version;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code memdir} command. */
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
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, System.in, out, err));
  }

  /** Runs the command line with the given streams and returns the exit code. */
  public static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main(in));
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

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"memdir " + Version.get()};
    }
  }
}
