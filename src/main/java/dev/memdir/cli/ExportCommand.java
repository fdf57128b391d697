package dev.memdir.cli;

import dev.memdir.letta.AgentFileExport;
import dev.memdir.letta.ImportReport;
import dev.memdir.letta.MemfsExport;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export an agent as a Letta agent file (.af; '-' writes standard output) or, with --memfs,"
          + " its memory as a Letta Code memory folder.",
      "What Letta has no place for is printed as notes."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The agent directory.")
  Path dir;

  @Parameters(
      index = "1",
      paramLabel = "TARGET",
      description = "The .af file to write, or the memory folder with --memfs.")
  String target;

  @Option(names = "--memfs", description = "Write a Letta Code memory folder (MemFS).")
  boolean memfs;

  @Override
  public Integer call() throws Exception {
    List<ImportReport.Item> notes;
    boolean stdout = !memfs && target.equals("-");
    if (memfs) {
      notes = MemfsExport.export(dir, Path.of(target));
    } else if (stdout) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      notes = AgentFileExport.write(dir, bytes);
      Cli.out(spec).print(bytes.toString(StandardCharsets.UTF_8));
      Cli.out(spec).flush();
    } else {
      notes = AgentFileExport.writeFile(dir, Path.of(target));
    }
    PrintWriter report = stdout ? spec.commandLine().getErr() : Cli.out(spec);
    if (!stdout) {
      report.println("exported " + dir + " to " + target);
    }
    notes.forEach(n -> report.println("note: " + n));
    report.flush();
    return 0;
  }
}
