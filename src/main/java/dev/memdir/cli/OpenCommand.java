package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.search.FileRequest;
import dev.memdir.search.FileWindow;
import dev.memdir.search.OpenResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "open",
    mixinStandardHelpOptions = true,
    description = "Open a window on a file under files/ (open_files); it stays open between turns.")
final class OpenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Parameters(index = "1", paramLabel = "FILE", description = "The file, relative to files/.")
  String file;

  @Option(
      names = "--offset",
      paramLabel = "N",
      converter = Opts.Positive.class,
      description = "The first line shown, 1-based (default: 1).")
  int offset = 1;

  @Option(
      names = "--length",
      paramLabel = "N",
      converter = Opts.Positive.class,
      description = "Lines shown (default: ${DEFAULT-VALUE}).")
  int length = FileRequest.DEFAULT_LENGTH;

  @Option(names = "--close-others", description = "Close every other open window.")
  boolean closeOthers;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    try (Agent agent = dir.open(AgentDir.SEARCH)) {
      OpenResult r =
          agent.search().openFiles(List.of(new FileRequest(file, offset, length)), closeOthers);
      if (json.on) {
        ObjectNode o = Cli.object();
        ArrayNode arr = o.putArray("windows");
        for (FileWindow w : r.opened()) {
          ObjectNode wo = arr.addObject();
          wo.put("file", w.file());
          wo.put("offset", w.offset());
          wo.put("length", w.length());
          wo.put("total_lines", w.totalLines());
          wo.put("header", w.header());
          ArrayNode lines = wo.putArray("lines");
          w.lines().forEach(lines::add);
        }
        ArrayNode closed = o.putArray("closed");
        r.closed().forEach(closed::add);
        SearchCommand.notesJson(o, r.notes());
        Cli.printJson(spec, o);
        return 0;
      }
      PrintWriter out = Cli.out(spec);
      for (FileWindow w : r.opened()) {
        out.println(w.render());
      }
      if (!r.closed().isEmpty()) {
        spec.commandLine().getErr().println("closed: " + String.join(", ", r.closed()));
      }
      Cli.notes(spec, r.notes());
    }
    return 0;
  }
}
