package dev.memdir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.format.WriteLock;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import dev.memdir.history.Role;
import dev.memdir.search.MessageHit;
import dev.memdir.search.Results;
import dev.memdir.search.Search;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = "Print the last records of the conversation, or append one with 'append'.",
    subcommands = {
      HistoryCommand.Append.class,
      HistoryCommand.SearchMessages.class,
      HistoryImportCommand.class
    })
final class HistoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Optional to picocli so that 'append' (which takes its own DIR) parses; required below.
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The agent directory.")
  Path dir;

  @Option(
      names = "--tail",
      paramLabel = "N",
      converter = Opts.NonNegative.class,
      defaultValue = "20",
      description = "How many of the last records (default: ${DEFAULT-VALUE}).")
  int tail;

  @Option(names = "--json", description = "Print the records as a JSON array.")
  boolean json;

  @Override
  public Integer call() {
    Cli.requireDir(spec, dir);
    try (Agent agent = AgentDir.open(spec, dir, WriteLock.DEFAULT_WAIT)) {
      List<Record> records = agent.history().tail(tail);
      if (json) {
        ArrayNode arr = Cli.JSON.createArrayNode();
        records.forEach(r -> arr.add(r.json()));
        Cli.printJson(spec, arr);
        return 0;
      }
      PrintWriter out = Cli.out(spec);
      for (Record r : records) {
        String head = String.format("%-24s  %-9s  ", r.ts(), r.role());
        List<String> lines = text(r).lines().toList();
        out.println(head + (lines.isEmpty() ? "" : lines.get(0)));
        for (String l : lines.subList(Math.min(1, lines.size()), lines.size())) {
          out.println(" ".repeat(head.length()) + l);
        }
      }
    }
    return 0;
  }

  private static String text(Record r) {
    List<String> parts = new ArrayList<>();
    if (!r.content().isEmpty()) {
      parts.add(r.content());
    }
    r.toolCalls()
        .ifPresent(
            calls -> {
              List<String> names = new ArrayList<>();
              for (JsonNode c : calls) {
                names.add(c.path("function").path("name").asText(c.path("name").asText("?")));
              }
              parts.add("[calls " + String.join(", ", names) + "]");
            });
    r.covers().ifPresent(c -> parts.add("[covers " + c.from() + " .. " + c.to() + "]"));
    return String.join("\n", parts);
  }

  @Command(
      name = "append",
      mixinStandardHelpOptions = true,
      description = {
        "Append one record to the history (for imports and scripts); prints its id.",
        "An old --ts goes to that month's segment."
      })
  static final class Append implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin AgentDir dir;

    @Parameters(index = "1", paramLabel = "TEXT", description = "The content ('-' reads stdin).")
    String text;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description =
            "system, user, assistant, tool, summary or event (others are kept, with a warning).")
    String role;

    @Option(
        names = "--ts",
        paramLabel = "ISO",
        converter = Opts.Time.class,
        description =
            "The record's time, ISO-8601, for example 2026-11-26T08:30:00Z (default: now).")
    Instant ts;

    @Mixin WaitOption wait;

    @Override
    public Integer call() {
      Message message;
      try {
        message = Message.of(role, Cli.text(spec, text));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--role: " + e.getMessage());
      }
      if (Role.of(role).isEmpty()) {
        spec.commandLine()
            .getErr()
            .println(
                "memdir: warning: unknown role '"
                    + role
                    + "' (known: "
                    + Role.known()
                    + "); appended as is");
      }
      Instant time = ts;
      try (Agent agent = dir.open(wait)) {
        Record r =
            agent.write(
                "history append",
                () ->
                    time == null
                        ? agent.history().append(message)
                        : agent.history().append(message, time));
        Cli.out(spec).println(r.id());
      }
      return 0;
    }
  }

  @Command(
      name = "search",
      mixinStandardHelpOptions = true,
      description = "Find past messages by BM25, role and time (conversation_search).")
  static final class SearchMessages implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin AgentDir dir;

    @Parameters(
        index = "1",
        paramLabel = "QUERY",
        description = "Words to look for ('' with --role lists by role).")
    String query;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        description = "Only messages with this role; repeat for more.")
    List<String> roles = new ArrayList<>();

    @Option(
        names = "--limit",
        paramLabel = "N",
        converter = Opts.Positive.class,
        description = "The most messages (default: ${DEFAULT-VALUE}).")
    int limit = Search.DEFAULT_LIMIT;

    @Option(
        names = "--start",
        paramLabel = "TIME",
        converter = Opts.Start.class,
        description = "Messages at or after TIME (2026-11-26 or 2026-11-26T08:30:00Z).")
    Instant start;

    @Option(
        names = "--end",
        paramLabel = "TIME",
        converter = Opts.End.class,
        description = "Messages at or before TIME.")
    Instant end;

    @Mixin JsonOption json;

    @Override
    public Integer call() {
      Optional<Instant> from = Optional.ofNullable(start);
      Optional<Instant> to = Optional.ofNullable(end);
      try (Agent agent = dir.open(AgentDir.SEARCH)) {
        Results<MessageHit> r =
            agent.search().conversationSearch(Cli.text(spec, query), roles, from, to, limit);
        if (json.on) {
          ObjectNode o = Cli.object();
          ArrayNode arr = o.putArray("hits");
          for (MessageHit h : r.hits()) {
            arr.addObject()
                .put("id", h.id())
                .put("ts", h.ts().toString())
                .put("role", h.role())
                .put("score", h.score())
                .put("content", h.content());
          }
          SearchCommand.notesJson(o, r.notes());
          Cli.printJson(spec, o);
          return 0;
        }
        PrintWriter out = Cli.out(spec);
        for (MessageHit h : r.hits()) {
          out.println(h.render());
        }
        if (r.hits().isEmpty()) {
          out.println("no message found");
        }
        Cli.notes(spec, r.notes());
      }
      return 0;
    }
  }
}
