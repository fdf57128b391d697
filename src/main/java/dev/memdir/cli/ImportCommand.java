package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.letta.AgentFileImport;
import dev.memdir.letta.ImportReport;
import dev.memdir.letta.MemfsImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import a Letta agent file (.af) or, with --memfs, a Letta Code memory folder into a new"
          + " agent directory (one per agent of the file).",
      "What cannot be mapped is printed and written to DIR/import-report.md."
    })
final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SOURCE",
      description = "The .af file, or the memory folder with --memfs.")
  Path source;

  @Parameters(index = "1", paramLabel = "DIR", description = "The new (or empty) folder.")
  Path dir;

  @Option(names = "--memfs", description = "SOURCE is a Letta Code memory folder (MemFS).")
  boolean memfs;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    ImportReport r =
        memfs ? MemfsImport.importFolder(source, dir) : AgentFileImport.importFile(source, dir);
    if (json.on) {
      ObjectNode o = Cli.object();
      o.put("source", r.source());
      ArrayNode agents = o.putArray("agents");
      r.agents().forEach(p -> agents.add(p.toString()));
      ArrayNode items = o.putArray("not_mapped");
      for (ImportReport.Item i : r.items()) {
        items.addObject().put("where", i.where()).put("what", i.what());
      }
      Cli.printJson(spec, o);
      return 0;
    }
    PrintWriter out = Cli.out(spec);
    for (Path p : r.agents()) {
      out.println("imported " + source + " into " + p);
    }
    if (r.items().isEmpty()) {
      out.println("everything was mapped");
    } else {
      out.println(
          "not mapped or changed (" + r.items().size() + "; also in " + ImportReport.FILE + "):");
      r.items().forEach(i -> out.println("- " + i));
    }
    return 0;
  }
}
