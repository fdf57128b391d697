package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.search.GrepMatch;
import dev.memdir.search.GrepPage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "grep",
    mixinStandardHelpOptions = true,
    description =
        "Find lines of files under files/ matching an RE2 regular expression (grep_files), 20 per"
            + " page.")
final class GrepCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Parameters(index = "1", paramLabel = "PATTERN", description = "The regular expression.")
  String pattern;

  @Option(
      names = "--include",
      paramLabel = "GLOB",
      description = "Only files matching GLOB, like *.md or notes/**.")
  String include;

  @Option(
      names = "--context",
      paramLabel = "N",
      converter = Opts.NonNegative.class,
      description = "Lines of context before and after each match.")
  int context;

  @Option(
      names = "--offset",
      paramLabel = "N",
      converter = Opts.NonNegative.class,
      description = "The first match to show (from a previous page).")
  int offset;

  @Option(
      names = {"-i", "--ignore-case"},
      description = "Match letters regardless of case.")
  boolean ignoreCase;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    try (Agent agent = dir.open(AgentDir.SEARCH)) {
      GrepPage page =
          agent
              .search()
              .grepFiles(pattern, Optional.ofNullable(include), context, offset, ignoreCase);
      if (json.on) {
        ObjectNode o = Cli.object();
        ArrayNode arr = o.putArray("matches");
        for (GrepMatch m : page.matches()) {
          ObjectNode mo = arr.addObject();
          mo.put("file", m.file());
          mo.put("line", m.line());
          mo.put("text", m.text());
          lines(mo.putArray("before"), m.before());
          lines(mo.putArray("after"), m.after());
        }
        o.put("offset", page.offset());
        if (page.nextOffset().isPresent()) {
          o.put("next_offset", page.nextOffset().getAsInt());
        } else {
          o.putNull("next_offset");
        }
        SearchCommand.notesJson(o, page.notes());
        Cli.printJson(spec, o);
        return 0;
      }
      GrepPage noNotes = new GrepPage(page.matches(), page.offset(), page.nextOffset(), List.of());
      Cli.out(spec).println(noNotes.render());
      Cli.notes(spec, page.notes());
    }
    return 0;
  }

  private static void lines(ArrayNode arr, List<GrepMatch.ContextLine> lines) {
    for (GrepMatch.ContextLine c : lines) {
      arr.addObject().put("line", c.line()).put("text", c.text());
    }
  }
}
