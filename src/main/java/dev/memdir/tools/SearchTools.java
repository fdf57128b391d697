package dev.memdir.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.ToolException;
import dev.memdir.search.FactHit;
import dev.memdir.search.FileHit;
import dev.memdir.search.FileRequest;
import dev.memdir.search.FileWindow;
import dev.memdir.search.GrepPage;
import dev.memdir.search.MessageHit;
import dev.memdir.search.OpenResult;
import dev.memdir.search.Results;
import dev.memdir.search.Search;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The tools that find things, through {@link Search}: {@code archival_memory_search}, {@code
 * conversation_search}, {@code search_files}, {@code grep_files}, {@code open_files} and {@code
 * close_files}, with Letta's parameters. Every argument is untrusted; {@code Search} confines paths
 * to {@code files/}, caps sizes and runs regular expressions in linear time.
 */
final class SearchTools {
  private final Search search;

  SearchTools(Search search) {
    this.search = search;
  }

  List<Tool> all() {
    return List.of(
        archivalSearch(),
        conversationSearch(),
        grepFiles(),
        openFiles(),
        closeFiles(),
        searchFiles());
  }

  private Tool archivalSearch() {
    return new Tool(
        "archival_memory_search",
        "Search archival memory (facts stored with archival_memory_insert), ranked by BM25"
            + " keyword relevance, optionally filtered by tags and by when facts were stored. Use"
            + " distinctive words: names, places, topics.",
        Schema.object()
            .string("query", "Words to look for.", true)
            .strings("tags", "Only facts with these tags.", false)
            .enumeration(
                "tag_match_mode",
                "Whether a fact needs any (default) or all of the tags.",
                false,
                "any",
                "all")
            .integer("top_k", "The most facts to return (default 10, at most 100).", false)
            .string(
                "start_datetime",
                "Only facts stored at or after this ISO-8601 date or time, e.g. 2024-01-15 or"
                    + " 2024-01-15T14:30.",
                false)
            .string(
                "end_datetime",
                "Only facts stored at or before this ISO-8601 date or time (a date alone"
                    + " includes that whole day).",
                false),
        (a, seen) -> {
          String mode =
              a.optString("tag_match_mode")
                  .or(() -> a.optString("tag_match"))
                  .orElse("any")
                  .strip()
                  .toLowerCase(Locale.ROOT);
          if (!mode.equals("any") && !mode.equals("all")) {
            throw new ToolException(
                "tag_match_mode must be \"any\" or \"all\", got \"" + Tools.shorten(mode) + "\"");
          }
          Results<FactHit> r =
              search.archivalMemorySearch(
                  a.optString("query").orElse(""),
                  a.strings("tags"),
                  mode.equals("all") ? Search.TagMatch.ALL : Search.TagMatch.ANY,
                  time(a, "start_datetime", false),
                  time(a, "end_datetime", true),
                  a.integer("top_k", Search.DEFAULT_LIMIT, Integer.MIN_VALUE, Integer.MAX_VALUE));
          return render(r, "No fact matches.", SearchTools::fact);
        });
  }

  private Tool conversationSearch() {
    return new Tool(
        "conversation_search",
        "Search the whole conversation history, also messages that left the context window,"
            + " ranked by BM25 keyword relevance, optionally filtered by role and date.",
        Schema.object()
            .string("query", "Words to look for.", true)
            .enumerations(
                "roles",
                "Only messages with these roles.",
                false,
                "user",
                "assistant",
                "tool",
                "system",
                "summary",
                "event")
            .integer("limit", "The most messages to return (default 10, at most 100).", false)
            .string(
                "start_date",
                "Only messages at or after this ISO-8601 date or time, e.g. 2024-01-15.",
                false)
            .string(
                "end_date",
                "Only messages at or before this ISO-8601 date or time (a date alone includes"
                    + " that whole day).",
                false)
            .string("speaker", "Prefer messages this person wrote (a message's name).", false),
        (a, seen) -> {
          Results<MessageHit> r =
              search.conversationSearch(
                  a.optString("query").orElse(""),
                  a.strings("roles"),
                  time(a, "start_date", false),
                  time(a, "end_date", true),
                  a.integer("limit", Search.DEFAULT_LIMIT, Integer.MIN_VALUE, Integer.MAX_VALUE),
                  a.optString("speaker"));
          return render(r, "No message matches.", MessageHit::render);
        });
  }

  private Tool searchFiles() {
    return new Tool(
        "search_files",
        "Search the documents under files/ for passages about a topic, ranked by BM25 keyword"
            + " relevance. Each hit names its file and lines, for open_files.",
        Schema.object()
            .string("query", "Words to look for.", true)
            .integer("limit", "The most passages to return (default 10, at most 100).", false)
            .string("speaker", "In conversation logs, prefer what this person said.", false),
        (a, seen) -> {
          Results<FileHit> r =
              search.searchFiles(
                  a.optString("query").orElse(""),
                  a.integer("limit", Search.DEFAULT_LIMIT, Integer.MIN_VALUE, Integer.MAX_VALUE),
                  a.optString("speaker").filter(s -> !s.isBlank()));
          return render(r, "No passage matches.", FileHit::render);
        });
  }

  private Tool grepFiles() {
    return new Tool(
        "grep_files",
        "Find the lines of files under files/ that match a regular expression (RE2 syntax; a"
            + " plain word works too), "
            + Search.GREP_PAGE
            + " matches per page.",
        Schema.object()
            .string("pattern", "The regular expression.", true)
            .string(
                "include", "Only files whose path matches this glob, e.g. *.md or notes/**.", false)
            .integer("context_lines", "Lines to show before and after each match (0 to 10).", false)
            .integer(
                "offset", "Skip this many matches: 0, or the offset a previous page gave.", false),
        (a, seen) -> {
          GrepPage page =
              search.grepFiles(
                  a.string("pattern"),
                  a.optString("include").filter(s -> !s.isBlank()),
                  a.integer("context_lines", 0, Integer.MIN_VALUE, Integer.MAX_VALUE),
                  a.integer("offset", 0, Integer.MIN_VALUE, Integer.MAX_VALUE),
                  false);
          return page.render();
        });
  }

  private Tool openFiles() {
    return new Tool(
        "open_files",
        "Open windows on files under files/: the lines shown stay in your context, under"
            + " <file_windows>, across turns until you close them.",
        Schema.object()
            .objects(
                "file_requests",
                "The files to open.",
                true,
                Schema.object()
                    .string("file_name", "The file, relative to files/.", true)
                    .integer("offset", "The first line to show, from 1 (default 1).", false)
                    .integer(
                        "length",
                        "How many lines to show (default " + FileRequest.DEFAULT_LENGTH + ").",
                        false))
            .bool("close_all_others", "Whether to close every other open file first.", false),
        (a, seen) -> {
          List<FileRequest> requests = new ArrayList<>();
          for (ObjectNode o : a.objects("file_requests")) {
            Args r = new Args(o, List.of("file_name", "offset", "length"));
            requests.add(
                new FileRequest(
                    r.string("file_name"),
                    r.integer("offset", 1, Integer.MIN_VALUE, Integer.MAX_VALUE),
                    r.integer(
                        "length",
                        FileRequest.DEFAULT_LENGTH,
                        Integer.MIN_VALUE,
                        Integer.MAX_VALUE)));
          }
          OpenResult r = search.openFiles(requests, a.bool("close_all_others", false));
          StringBuilder sb = new StringBuilder("Opened");
          for (FileWindow w : r.opened()) {
            sb.append(' ').append(w.header());
          }
          sb.append("; the lines are in <file_windows> from your next step.");
          if (!r.closed().isEmpty()) {
            sb.append(" Closed: ").append(String.join(", ", r.closed())).append('.');
          }
          r.notes().forEach(n -> sb.append("\nnote: ").append(n));
          return sb.toString();
        });
  }

  private Tool closeFiles() {
    return new Tool(
        "close_files",
        "Close file windows you opened with open_files, to free context.",
        Schema.object().strings("file_names", "The files to close, relative to files/.", true),
        (a, seen) -> {
          List<String> names = a.strings("file_names");
          if (names.isEmpty()) {
            throw new ToolException("file_names is empty; name the files to close");
          }
          Results<String> r = search.closeFiles(names);
          return render(r, "None of them was open.", f -> "Closed " + f + ".");
        });
  }

  private static Optional<Instant> time(Args a, String name, boolean end) {
    return a.optString(name).filter(s -> !s.isBlank()).map(v -> Search.parseTime(name, v, end));
  }

  private static String fact(FactHit f) {
    StringBuilder sb = new StringBuilder("[").append(f.created()).append("] ").append(f.id());
    if (!f.tags().isEmpty()) {
      sb.append(" (tags: ").append(String.join(", ", f.tags())).append(')');
    }
    return sb.append('\n').append(f.text()).toString();
  }

  private static <T> String render(Results<T> r, String none, Function<T, String> one) {
    StringBuilder sb = new StringBuilder();
    for (T hit : r.hits()) {
      sb.append(sb.length() == 0 ? "" : "\n\n").append(one.apply(hit));
    }
    if (r.hits().isEmpty()) {
      sb.append(none);
    }
    r.notes().forEach(n -> sb.append("\nnote: ").append(n));
    return sb.toString();
  }
}
