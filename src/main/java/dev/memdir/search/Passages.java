package dev.memdir.search;

import com.vladsch.flexmark.ast.Heading;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.ast.TextCollectingVisitor;
import dev.memdir.format.Problem;
import dev.memdir.format.SearchSettings;
import dev.memdir.format.SearchSettings.PassageUnit;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Cuts a file under {@code files/} into the passages that are indexed and returned. */
final class Passages {
  /** A paragraph passage is cut once it holds this many chars. */
  static final int MAX_PASSAGE_CHARS = 4_000;

  /** The most chars of a passage kept for display; the rest is indexed but not shown. */
  static final int MAX_SHOWN_CHARS = 4_000;

  private Passages() {}

  /**
   * One passage.
   *
   * @param ordinal its position among the file's passages, from 0
   * @param startLine its first file line, 1-based
   * @param endLine its last file line
   * @param speaker who spoke it, for a conversation turn
   * @param date the conversation's date
   * @param text the passage as written (cut at {@link #MAX_SHOWN_CHARS})
   * @param indexText what is indexed: for a turn, its words, its neighbours' and the date
   * @param headings the Markdown headings the passage sits under, outermost first (empty outside
   *     {@code .md} files and before a file's first heading)
   * @param question whether the passage is a conversation turn that ends with a question ({@link
   *     #isQuestion}); the turn after it is its reply
   */
  record Passage(
      int ordinal,
      int startLine,
      int endLine,
      Optional<String> speaker,
      Optional<LocalDate> date,
      String text,
      String indexText,
      List<String> headings,
      boolean question) {
    Passage {
      headings = List.copyOf(headings);
    }
  }

  /**
   * A file cut into passages.
   *
   * @param passages in file order
   * @param conversation whether the file is a conversation log
   * @param problems what is wrong with a conversation log's front matter or lines
   */
  record Split(List<Passage> passages, boolean conversation, List<Problem> problems) {
    Split {
      passages = List.copyOf(passages);
      problems = List.copyOf(problems);
    }
  }

  /** Cuts normalised text (LF line ends) of the file {@code display}. */
  static Split split(String text, String display, SearchSettings settings) {
    Optional<ConversationLog> log = ConversationLog.parse(text, display);
    if (log.isPresent()) {
      return new Split(turns(log.get(), settings.window()), true, log.get().problems());
    }
    Sections sections =
        display.toLowerCase(Locale.ROOT).endsWith(".md") ? Sections.of(text) : Sections.NONE;
    return new Split(
        plain(text, settings.passage(), settings.passageLines(), sections), false, List.of());
  }

  /**
   * The heading path of each line of a Markdown file, as flexmark parses it (ATX and setext
   * headings; a {@code #} inside a code fence is not a heading).
   */
  static final class Sections {
    static final Sections NONE = new Sections(new boolean[0], new ArrayList<>());

    /** {@code starts[i]}: a heading starts on 0-based line {@code i}. */
    private final boolean[] starts;

    /** {@code paths.get(i)}: the path of 0-based line {@code i}. */
    private final List<List<String>> paths;

    private Sections(boolean[] starts, List<List<String>> paths) {
      this.starts = starts;
      this.paths = paths;
    }

    static Sections of(String text) {
      Node doc = Parser.builder().build().parse(text);
      int lineCount = 1;
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          lineCount++;
        }
      }
      boolean[] starts = new boolean[lineCount];
      List<List<String>> paths = new ArrayList<>(lineCount);
      Deque<Heading> open = new ArrayDeque<>();
      List<String> path = List.of();
      int line = 0;
      for (Node n : doc.getDescendants()) {
        if (!(n instanceof Heading h)) {
          continue;
        }
        int start = Math.min(h.getStartLineNumber(), lineCount - 1);
        for (; line < start; line++) {
          paths.add(path);
        }
        while (!open.isEmpty() && open.peekLast().getLevel() >= h.getLevel()) {
          open.removeLast();
        }
        open.addLast(h);
        List<String> names = new ArrayList<>(open.size());
        for (Heading o : open) {
          names.add(title(o));
        }
        path = List.copyOf(names);
        starts[start] = true;
      }
      for (; line < lineCount; line++) {
        paths.add(path);
      }
      return new Sections(starts, paths);
    }

    private static String title(Heading h) {
      return new TextCollectingVisitor().collectAndGetText(h).replaceAll("\\s+", " ").strip();
    }

    /** Whether a heading starts on 1-based line {@code lineNo}. */
    boolean startsAt(int lineNo) {
      return lineNo - 1 < starts.length && starts[lineNo - 1];
    }

    /** The heading path of 1-based line {@code lineNo}. */
    List<String> pathAt(int lineNo) {
      return lineNo - 1 < paths.size() ? paths.get(lineNo - 1) : List.of();
    }
  }

  private static List<Passage> turns(ConversationLog log, int window) {
    List<ConversationLog.Turn> turns = log.turns();
    String dateText = log.dateText().orElse("");
    List<Passage> out = new ArrayList<>(turns.size());
    for (int i = 0; i < turns.size(); i++) {
      ConversationLog.Turn t = turns.get(i);
      StringBuilder index = new StringBuilder();
      for (int j = Math.max(0, i - window); j <= Math.min(turns.size() - 1, i + window); j++) {
        index.append(turns.get(j).content()).append('\n');
      }
      log.date().ifPresent(d -> RelativeDates.appendTo(index, d));
      index.append(dateText);
      out.add(
          new Passage(
              i,
              t.line(),
              t.line(),
              t.speaker(),
              log.date(),
              shown(t.text()),
              index.toString(),
              List.of(),
              isQuestion(t.content())));
    }
    return out;
  }

  private static List<Passage> plain(
      String text, PassageUnit unit, int maxLines, Sections sections) {
    List<Passage> out = new ArrayList<>();
    StringBuilder para = new StringBuilder();
    int start = 0;
    int lines = 0;
    int lineNo = 1;
    int pos = 0;
    while (pos <= text.length()) {
      int end = text.indexOf('\n', pos);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(pos, end);
      if (sections.startsAt(lineNo)) {
        // A heading starts a new passage: no passage spans two sections.
        flush(out, para, start, lineNo - 1, sections);
        lines = 0;
      }
      if (line.isBlank()) {
        flush(out, para, start, lineNo - 1, sections);
        lines = 0;
      } else {
        if (lines == 0) {
          start = lineNo;
        }
        if (lines > 0) {
          para.append('\n');
        }
        para.append(line);
        lines++;
        if (unit == PassageUnit.LINE || lines >= maxLines || para.length() >= MAX_PASSAGE_CHARS) {
          flush(out, para, start, lineNo, sections);
          lines = 0;
        }
      }
      if (end == text.length()) {
        break;
      }
      pos = end + 1;
      lineNo++;
    }
    flush(out, para, start, lineNo, sections);
    return out;
  }

  private static void flush(
      List<Passage> out, StringBuilder para, int start, int end, Sections sections) {
    if (para.length() == 0) {
      return;
    }
    String text = para.toString();
    out.add(
        new Passage(
            out.size(),
            start,
            end,
            Optional.empty(),
            Optional.empty(),
            shown(text),
            text,
            sections.pathAt(start),
            false));
    para.setLength(0);
  }

  /** {@code text}, cut at {@link #MAX_SHOWN_CHARS}. */
  /**
   * Whether what a turn or message says ends with a question: its last characters, after white
   * space, bracketed notes ({@code [image: a photo of a dog]}), closing quotes or parentheses,
   * emoji and smileys ({@code :)}), are a run of {@code ?}, {@code !} and {@code .} holding a
   * {@code ?} ("Any plans?", "Really?!", "… the one you mentioned?)"). The turn after a question is
   * likely its answer (see {@code search.reply_weight}).
   */
  static boolean isQuestion(String text) {
    int end = text.length();
    while (end > 0) {
      int cp = text.codePointBefore(end);
      // The last word, if it is short enough to be a smiley: looked at only that far back, so a
      // long run of emoji or closing marks is stripped in linear time.
      int token = end;
      while (token > 0
          && end - token <= MAX_EMOTICON_CHARS
          && !Character.isWhitespace(text.charAt(token - 1))) {
        token--;
      }
      boolean word = token == 0 || Character.isWhitespace(text.charAt(token - 1));
      if (word && EMOTICON.matcher(text).region(token, end).matches()) {
        end = token;
      } else if (Character.isWhitespace(cp) || closes(cp) || decoration(cp)) {
        end -= Character.charCount(cp);
      } else if (cp == ']') {
        int open = text.lastIndexOf('[', end - 1);
        if (open < 0) {
          return false;
        }
        end = open;
      } else {
        break;
      }
    }
    for (int i = end - 1; i >= 0; i--) {
      char c = text.charAt(i);
      if (c == '?') {
        return true;
      }
      if (c != '!' && c != '.') {
        return false;
      }
    }
    return false;
  }

  private static final int MAX_EMOTICON_CHARS = 8;

  /** A smiley written in characters, as a word of its own: {@code :) ;-) :D =P <3 ^^ xD}. */
  private static final java.util.regex.Pattern EMOTICON =
      java.util.regex.Pattern.compile("[:;=][-'^o]?[)(\\]\\[DPpO3/\\\\|*]+|<3+|\\^_*\\^|[xX]D+");

  private static boolean closes(int c) {
    return c == '"' || c == '\'' || c == ')' || c == '\u201d' || c == '\u2019' || c == '*';
  }

  /** Emoji and other symbols, and the joiners and marks that build them. */
  private static boolean decoration(int cp) {
    int type = Character.getType(cp);
    return type == Character.OTHER_SYMBOL
        || type == Character.MODIFIER_SYMBOL
        || type == Character.FORMAT
        || type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  static String shownText(String text) {
    return shown(text);
  }

  private static String shown(String text) {
    if (text.length() <= MAX_SHOWN_CHARS) {
      return text;
    }
    int cut = MAX_SHOWN_CHARS;
    if (Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    return text.substring(0, cut) + " …";
  }
}
