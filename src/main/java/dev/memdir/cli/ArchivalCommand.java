package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.archival.Fact;
import dev.memdir.search.FactHit;
import dev.memdir.search.Results;
import dev.memdir.search.Search;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
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
    name = "archival",
    mixinStandardHelpOptions = true,
    description = "Add, list, get and delete archival facts.",
    subcommands = {
      ArchivalCommand.Add.class,
      ArchivalCommand.ListFacts.class,
      ArchivalCommand.Get.class,
      ArchivalCommand.Delete.class,
      ArchivalCommand.SearchFacts.class,
      ArchivalImportCommand.class,
    })
final class ArchivalCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: add, list, get, delete or search");
  }

  static ObjectNode toJson(Fact f) {
    ObjectNode o = Cli.object();
    o.put("id", f.id());
    o.put("created", f.created().toString());
    ArrayNode tags = o.putArray("tags");
    f.tags().forEach(tags::add);
    o.put("file", "archival/" + f.fileName());
    o.put("text", f.text());
    return o;
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Store TEXT as a new fact; prints its id.")
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin AgentDir dir;

    @Parameters(index = "1", paramLabel = "TEXT", description = "The fact ('-' reads stdin).")
    String text;

    @Option(names = "--tag", paramLabel = "TAG", description = "A tag; repeat for more.")
    List<String> tags = new ArrayList<>();

    @Mixin WaitOption wait;

    @Override
    public Integer call() {
      String t = Cli.text(spec, text);
      try (Agent agent = dir.open(wait)) {
        Fact f = agent.write("archival add", () -> agent.archival().insert(t, tags));
        Cli.out(spec).println(f.id());
      }
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List facts, oldest first.")
  static final class ListFacts implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin AgentDir dir;

    @Mixin JsonOption json;

    @Override
    public Integer call() {
      try (Agent agent = dir.open()) {
        var snapshot = agent.archival().list();
        if (json.on) {
          ArrayNode arr = Cli.JSON.createArrayNode();
          snapshot.facts().forEach(f -> arr.add(toJson(f)));
          Cli.printJson(spec, arr);
          return 0;
        }
        PrintWriter out = Cli.out(spec);
        for (Fact f : snapshot.facts()) {
          String firstLine = f.text().lines().findFirst().orElse("");
          out.println(
              f.id()
                  + "  "
                  + (f.tags().isEmpty() ? "" : "[" + String.join(", ", f.tags()) + "] ")
                  + (firstLine.length() > 80 ? firstLine.substring(0, 77) + "..." : firstLine));
        }
        snapshot.problems().stream()
            .filter(p -> p.isError())
            .forEach(p -> spec.commandLine().getErr().println("problem: " + p));
      }
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Print one fact.")
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin AgentDir dir;

    @Parameters(index = "1", paramLabel = "ID", description = "The fact's id or file name.")
    String id;

    @Mixin JsonOption json;

    @Override
    public Integer call() {
      try (Agent agent = dir.open()) {
        Fact f = agent.archival().get(id);
        if (json.on) {
          Cli.printJson(spec, toJson(f));
        } else {
          Cli.out(spec).println(f.text());
        }
      }
      return 0;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete one fact's file.")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin AgentDir dir;

    @Parameters(index = "1", paramLabel = "ID", description = "The fact's id or file name.")
    String id;

    @Mixin WaitOption wait;

    @Override
    public Integer call() {
      try (Agent agent = dir.open(wait)) {
        Fact f = agent.write("archival delete", () -> agent.archival().delete(id));
        Cli.out(spec).println("deleted " + f.id());
      }
      return 0;
    }
  }

  @Command(
      name = "search",
      mixinStandardHelpOptions = true,
      description = "Find facts by BM25, tags and creation time (archival_memory_search).")
  static final class SearchFacts implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin AgentDir dir;

    @Parameters(
        index = "1",
        paramLabel = "QUERY",
        description = "Words to look for ('' with --tag lists by tag).")
    String query;

    @Option(
        names = "--top-k",
        paramLabel = "N",
        converter = Opts.Positive.class,
        description = "The most facts (default: ${DEFAULT-VALUE}).")
    int topK = Search.DEFAULT_LIMIT;

    @Option(
        names = "--tag",
        paramLabel = "TAG",
        description = "Only facts with this tag; repeat for more.")
    List<String> tags = new ArrayList<>();

    @Option(
        names = "--tag-match",
        paramLabel = "any|all",
        converter = Opts.TagMatch.class,
        description = "Facts with any or all of the tags (default: any).")
    String tagMatch = "any";

    @Option(
        names = "--start",
        paramLabel = "TIME",
        converter = Opts.Start.class,
        description = "Facts created at or after TIME (2026-11-26 or 2026-11-26T08:30:00Z).")
    Instant start;

    @Option(
        names = "--end",
        paramLabel = "TIME",
        converter = Opts.End.class,
        description = "Facts created at or before TIME.")
    Instant end;

    @Mixin JsonOption json;

    @Override
    public Integer call() {
      Search.TagMatch match = tagMatch.equals("all") ? Search.TagMatch.ALL : Search.TagMatch.ANY;
      Optional<Instant> from = Optional.ofNullable(start);
      Optional<Instant> to = Optional.ofNullable(end);
      try (Agent agent = dir.open(AgentDir.SEARCH)) {
        Results<FactHit> r =
            agent.search().archivalMemorySearch(Cli.text(spec, query), tags, match, from, to, topK);
        if (json.on) {
          ObjectNode o = Cli.object();
          ArrayNode arr = o.putArray("hits");
          for (FactHit h : r.hits()) {
            ObjectNode ho = arr.addObject();
            ho.put("id", h.id());
            ho.put("created", h.created().toString());
            ArrayNode t = ho.putArray("tags");
            h.tags().forEach(t::add);
            ho.put("score", h.score());
            ho.put("file", h.file());
            ho.put("text", h.text());
          }
          SearchCommand.notesJson(o, r.notes());
          Cli.printJson(spec, o);
          return 0;
        }
        PrintWriter out = Cli.out(spec);
        for (FactHit h : r.hits()) {
          out.println(
              h.id()
                  + "  "
                  + h.created()
                  + (h.tags().isEmpty() ? "" : "  [" + String.join(", ", h.tags()) + "]")
                  + String.format(java.util.Locale.ROOT, "  score %.3f", h.score()));
          out.println(h.text());
          out.println();
        }
        if (r.hits().isEmpty()) {
          out.println("no fact found");
        }
        Cli.notes(spec, r.notes());
      }
      return 0;
    }
  }
}
