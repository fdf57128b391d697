package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.search.FileHit;
import dev.memdir.search.Results;
import dev.memdir.search.Search;
import java.io.PrintWriter;
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
    name = "search",
    mixinStandardHelpOptions = true,
    description = "Rank passages of the files under files/ by BM25 (search_files).")
final class SearchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Parameters(
      index = "1",
      paramLabel = "QUERY",
      description = "Words to look for ('-' reads stdin).")
  String query;

  @Option(
      names = "--limit",
      paramLabel = "N",
      converter = Opts.Positive.class,
      description = "The most passages (default: ${DEFAULT-VALUE}).")
  int limit = Search.DEFAULT_LIMIT;

  @Option(names = "--speaker", paramLabel = "NAME", description = "Prefer turns spoken by NAME.")
  String speaker;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    String q = Cli.text(spec, query);
    try (Agent agent = dir.open(AgentDir.SEARCH)) {
      Results<FileHit> r = agent.search().searchFiles(q, limit, Optional.ofNullable(speaker));
      if (json.on) {
        ObjectNode o = Cli.object();
        ArrayNode hits = o.putArray("hits");
        r.hits().forEach(h -> hits.add(toJson(h)));
        List<String> notes = new java.util.ArrayList<>(r.notes());
        skippedNote(agent.search().skipped()).ifPresent(notes::add);
        notesJson(o, notes);
        Cli.printJson(spec, o);
        return 0;
      }
      PrintWriter out = Cli.out(spec);
      for (FileHit h : r.hits()) {
        out.println(h.render());
        out.println();
      }
      if (r.hits().isEmpty()) {
        out.println("no passage found");
      }
      Cli.notes(spec, r.notes());
      skippedNote(agent.search().skipped()).ifPresent(n -> Cli.notes(spec, List.of(n)));
    }
    return 0;
  }

  static ObjectNode toJson(FileHit h) {
    ObjectNode o = Cli.object();
    o.put("file", h.file());
    o.put("start_line", h.startLine());
    o.put("end_line", h.endLine());
    o.put("score", h.score());
    h.date().ifPresent(d -> o.put("date", d));
    h.speaker().ifPresent(s -> o.put("speaker", s));
    o.put("text", h.text());
    return o;
  }

  static void notesJson(ObjectNode o, List<String> notes) {
    ArrayNode arr = o.putArray("notes");
    notes.forEach(arr::add);
  }

  /**
   * One note for what the search did not read under {@code files/} (binary, not UTF-8, links), so
   * that a file missing from the results is not a mystery.
   */
  static Optional<String> skippedNote(List<String> skipped) {
    List<String> files = skipped.stream().filter(s -> s.startsWith("files/")).toList();
    if (files.isEmpty()) {
      return Optional.empty();
    }
    int shown = Math.min(files.size(), 5);
    return Optional.of(
        files.size()
            + (files.size() == 1 ? " file" : " files")
            + " skipped: "
            + String.join("; ", files.subList(0, shown))
            + (files.size() > shown ? "; and " + (files.size() - shown) + " more" : ""));
  }
}
