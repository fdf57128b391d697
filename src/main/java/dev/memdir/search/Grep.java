package dev.memdir.search;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.memdir.FormatException;
import dev.memdir.ToolException;
import dev.memdir.format.TextFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code grep_files}: a regular expression over the lines of every text file under {@code files/},
 * in file then line order, one page at a time.
 *
 * <p>Patterns are RE2 syntax, matched by RE2J in time linear in the text. A pattern that is a plain
 * string is found with {@link String#indexOf}; a pattern that contains a string every match must
 * contain is matched only on the lines that contain that string. Both are shortcuts, not changes of
 * meaning: a line matches exactly when RE2J finds the pattern in it.
 */
final class Grep {
  /** The longest pattern accepted. */
  static final int MAX_PATTERN_CHARS = 1_000;

  /** The most context lines on either side of a match. */
  static final int MAX_CONTEXT = 10;

  /** The largest offset accepted; beyond it, values are capped. */
  static final int MAX_OFFSET = 1_000_000;

  /** Lines longer than this are shown cut around the match. */
  static final int MAX_SHOWN_LINE = 400;

  /** The most skipped-file notes listed one by one. */
  static final int MAX_SKIP_NOTES = 10;

  /**
   * The work one line may cost: its length times the pattern's estimated program size, RE2J's worst
   * case of a step per instruction per character. A line that would cost more is not run: RE2J
   * cannot be stopped part way through a line. A pattern of up to 30 instructions stays under it
   * even on a line of 64 MiB; a pattern near {@link ProgramSize#MAX_INSTRUCTIONS} reaches it at
   * 200,000 chars.
   */
  static final long LINE_BUDGET = 2_000_000_000L;

  /** The work one call may do: the sum of line costs plus one per byte read. */
  static final long WORK_BUDGET = 100_000_000_000L;

  /** The longest one call runs; checked between files and before each line RE2J runs on. */
  static final long DEADLINE_NANOS = 10_000_000_000L;

  private final FilesRoot root;
  private final long budget;
  private final long deadlineNanos;

  Grep(FilesRoot root) {
    this(root, WORK_BUDGET, DEADLINE_NANOS);
  }

  Grep(FilesRoot root, long budget, long deadlineNanos) {
    this.root = root;
    this.budget = budget;
    this.deadlineNanos = deadlineNanos;
  }

  GrepPage run(
      String pattern, Optional<String> include, int context, int offset, boolean ignoreCase) {
    List<String> notes = new ArrayList<>();
    Compiled c = compile(pattern, ignoreCase);
    Optional<Glob> glob = include.filter(s -> !s.isEmpty()).map(Glob::compile);
    if (context < 0) {
      throw new ToolException("context_lines must be 0 or more, got " + context);
    }
    if (context > MAX_CONTEXT) {
      notes.add("context_lines " + context + " capped at " + MAX_CONTEXT);
      context = MAX_CONTEXT;
    }
    if (offset < 0) {
      throw new ToolException("offset must be 0 or more, got " + offset);
    }
    if (offset > MAX_OFFSET) {
      notes.add("offset " + offset + " capped at " + MAX_OFFSET);
      offset = MAX_OFFSET;
    }
    int want = offset + Search.GREP_PAGE;
    Collector col = new Collector(offset, want, context, new Work(budget, deadlineNanos));
    List<String> skipped = new ArrayList<>();
    FilesRoot.Listing listing = root.list();
    for (FilesRoot.Entry e : listing.files()) {
      if (glob.isPresent() && !glob.get().matches(e.name())) {
        continue;
      }
      // A file over the cap is skipped unread, and costs nothing.
      if (!col.work.spend(Math.min(e.size(), MainIndex.MAX_FILE_BYTES), e.name(), 0)) {
        break;
      }
      String text = read(e, skipped);
      if (text != null) {
        c.scan(e.name(), text, col);
        if (col.done()) {
          break;
        }
      }
    }
    int shownSkips = Math.min(skipped.size(), MAX_SKIP_NOTES);
    notes.addAll(skipped.subList(0, shownSkips));
    if (skipped.size() > shownSkips) {
      notes.add("and " + (skipped.size() - shownSkips) + " more files skipped");
    }
    col.work.stopped().ifPresent(notes::add);
    if (col.matches.isEmpty() && col.seen > 0 && offset > 0 && col.work.stopped().isEmpty()) {
      notes.add("there are only " + col.seen + " matches; offset " + offset + " is past them");
    }
    OptionalInt next = col.full() ? OptionalInt.of(want) : OptionalInt.empty();
    return new GrepPage(col.matches, offset, next, notes);
  }

  private String read(FilesRoot.Entry e, List<String> skipped) {
    byte[] bytes;
    try {
      bytes = root.read(e.name(), MainIndex.MAX_FILE_BYTES);
    } catch (FilesRoot.Unreadable ex) {
      skipped.add("skipped files/" + e.name() + ": " + ex.getMessage());
      return null;
    } catch (IOException ex) {
      return null; // deleted since the walk
    }
    if (Binary.looksBinary(bytes)) {
      skipped.add("skipped binary file files/" + e.name());
      return null;
    }
    try {
      return TextFiles.decode(bytes, "files/" + e.name());
    } catch (FormatException ex) {
      skipped.add("skipped files/" + e.name() + ": not UTF-8 text");
      return null;
    }
  }

  /** The work and time one call may still spend, and where it stopped when they ran out. */
  static final class Work {
    private final long budget;
    private final long seconds;
    private final long deadline;
    private long left;
    private Optional<String> stopped = Optional.empty();

    Work(long budget, long deadlineNanos) {
      this.budget = budget;
      this.left = budget;
      this.seconds = Math.max(1, deadlineNanos / 1_000_000_000L);
      this.deadline = System.nanoTime() + deadlineNanos;
    }

    /**
     * Takes {@code units} of work for line {@code line} of {@code file} (0: reading the whole file,
     * which only counts against the call's budget); false, with the reason kept, when that would go
     * over a budget or the time is up.
     */
    boolean spend(long units, String file, int line) {
      if (stopped.isPresent()) {
        return false;
      }
      String where = "files/" + file + (line > 0 ? " line " + line : "");
      boolean overLine = line > 0 && units > LINE_BUDGET;
      if (units > left || overLine) {
        stopped =
            Optional.of(
                "grep stopped at "
                    + where
                    + ": this pattern on that text would need more than the work limit of one"
                    + (overLine ? " line" : " call")
                    + " (characters x pattern size, "
                    + String.format("%,d", overLine ? LINE_BUDGET : budget)
                    + "); matches after it were not looked for; simplify the pattern or narrow"
                    + " include");
        return false;
      }
      if (System.nanoTime() - deadline > 0) {
        stopped =
            Optional.of(
                "grep stopped at "
                    + where
                    + " after "
                    + seconds
                    + " s, the time limit of one call; matches after it were not looked for;"
                    + " simplify the pattern or narrow include");
        return false;
      }
      left -= units;
      return true;
    }

    Optional<String> stopped() {
      return stopped;
    }
  }

  /** Gathers the matches of one page, counting those before it. */
  static final class Collector {
    final int from;
    final int until;
    final int context;
    final Work work;
    final List<GrepMatch> matches = new ArrayList<>();
    int seen;

    Collector(int from, int until, int context, Work work) {
      this.from = from;
      this.until = until;
      this.context = context;
      this.work = work;
    }

    boolean full() {
      return seen > until;
    }

    /** Whether the page is full or the work ran out. */
    boolean done() {
      return full() || work.stopped().isPresent();
    }

    /** Records the match on the line {@code [start, end)} of {@code text}, numbered {@code no}. */
    void add(String file, String text, int start, int end, int no, int matchAt) {
      if (seen >= from && seen < until) {
        List<GrepMatch.ContextLine> before = new ArrayList<>();
        int s = start;
        for (int i = 1; i <= context && s > 0; i++) {
          int ps = text.lastIndexOf('\n', s - 2) + 1;
          before.add(0, new GrepMatch.ContextLine(no - i, shown(text, ps, s - 1, ps)));
          s = ps;
        }
        List<GrepMatch.ContextLine> after = new ArrayList<>();
        int e = end;
        for (int i = 1; i <= context && e < text.length(); i++) {
          int ns = e + 1;
          int ne = text.indexOf('\n', ns);
          if (ne < 0) {
            ne = text.length();
          }
          if (ns >= text.length()) {
            break;
          }
          after.add(new GrepMatch.ContextLine(no + i, shown(text, ns, ne, ns)));
          e = ne;
        }
        matches.add(new GrepMatch(file, no, shown(text, start, end, matchAt), before, after));
      }
      seen++;
    }
  }

  /** The line {@code [start, end)}, cut to {@link #MAX_SHOWN_LINE} chars around {@code at}. */
  static String shown(String text, int start, int end, int at) {
    if (end - start <= MAX_SHOWN_LINE) {
      return text.substring(start, end);
    }
    int from = Math.max(start, Math.min(at - MAX_SHOWN_LINE / 4, end - MAX_SHOWN_LINE));
    int to = Math.min(end, from + MAX_SHOWN_LINE);
    if (from > start && Character.isLowSurrogate(text.charAt(from))) {
      from++;
    }
    if (to < end && Character.isHighSurrogate(text.charAt(to - 1))) {
      to--;
    }
    return (from > start ? "…" : "") + text.substring(from, to) + (to < end ? "…" : "");
  }

  static Compiled compile(String pattern, boolean ignoreCase) {
    if (pattern == null || pattern.isEmpty()) {
      throw new ToolException("pattern is empty; give a regular expression or a word to find");
    }
    if (pattern.length() > MAX_PATTERN_CHARS) {
      throw new ToolException(
          "pattern is " + pattern.length() + " chars; at most " + MAX_PATTERN_CHARS);
    }
    // Before compiling: RE2J expands counted repetitions while it compiles.
    long size = ProgramSize.of(pattern);
    Pattern p;
    try {
      p = Pattern.compile(pattern, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    } catch (PatternSyntaxException e) {
      throw new ToolException(
          "invalid regular expression '"
              + pattern.replace("\0", "\\0")
              + "': "
              + e.getDescription()
              + " (RE2 syntax: no look-around or back-references; escape ( [ { . * + ? with \\)");
    }
    Optional<String> literal = Literals.whole(pattern);
    Optional<String> required = literal.isPresent() ? literal : Literals.required(pattern);
    // Folding may join letters RE2 keeps apart (İ and i), so folded hits are always verified.
    return new Compiled(p, literal.isPresent() && !ignoreCase, required, ignoreCase, size);
  }

  /**
   * A compiled pattern with its literal shortcut.
   *
   * @param size the estimated size of its program, the cost of one character run through RE2J
   */
  record Compiled(
      Pattern pattern, boolean isLiteral, Optional<String> required, boolean fold, long size) {
    void scan(String file, String text, Collector col) {
      if (required.isEmpty()) {
        scanLines(file, text, col);
        return;
      }
      String needle = fold ? Literals.fold(required.get()) : required.get();
      String hay = fold ? Literals.fold(text) : text;
      Matcher m = pattern.matcher("");
      int lineNo = 1;
      int counted = 0;
      int pos = 0;
      while (!col.done()) {
        int at = hay.indexOf(needle, pos);
        if (at < 0) {
          return;
        }
        int start = text.lastIndexOf('\n', at - 1) + 1;
        int end = text.indexOf('\n', at);
        if (end < 0) {
          end = text.length();
        }
        lineNo += count(text, counted, start);
        counted = start;
        boolean hit = isLiteral;
        int matchAt = at;
        if (!hit) {
          if (!col.work.spend((end - start + 1L) * size, file, lineNo)) {
            return;
          }
          m.reset(text.substring(start, end));
          hit = m.find();
          matchAt = hit ? start + m.start() : at;
        }
        if (hit) {
          col.add(file, text, start, end, lineNo, matchAt);
        }
        pos = end + 1;
      }
    }

    private void scanLines(String file, String text, Collector col) {
      if (text.isEmpty()) {
        return;
      }
      Matcher m = pattern.matcher("");
      int lineNo = 1;
      int start = 0;
      while (start <= text.length() && !col.done()) {
        int end = text.indexOf('\n', start);
        if (end < 0) {
          end = text.length();
        }
        if (end == text.length() && start == end && start > 0) {
          return; // the empty "line" after a final newline
        }
        if (!col.work.spend((end - start + 1L) * size, file, lineNo)) {
          return;
        }
        m.reset(text.substring(start, end));
        if (m.find()) {
          col.add(file, text, start, end, lineNo, start + m.start());
        }
        start = end + 1;
        lineNo++;
      }
    }

    private static int count(String text, int from, int to) {
      int n = 0;
      for (int i = from; i < to; i++) {
        if (text.charAt(i) == '\n') {
          n++;
        }
      }
      return n;
    }
  }
}
