package dev.memdir.search;

import dev.memdir.format.Problem;
import dev.memdir.format.SearchSettings;
import dev.memdir.format.SearchSettings.PassageUnit;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
   */
  record Passage(
      int ordinal,
      int startLine,
      int endLine,
      Optional<String> speaker,
      Optional<LocalDate> date,
      String text,
      String indexText) {}

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
    return new Split(plain(text, settings.passage(), settings.passageLines()), false, List.of());
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
      index.append(dateText);
      out.add(
          new Passage(
              i, t.line(), t.line(), t.speaker(), log.date(), shown(t.text()), index.toString()));
    }
    return out;
  }

  private static List<Passage> plain(String text, PassageUnit unit, int maxLines) {
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
      if (line.isBlank()) {
        flush(out, para, start, lineNo - 1);
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
          flush(out, para, start, lineNo);
          lines = 0;
        }
      }
      if (end == text.length()) {
        break;
      }
      pos = end + 1;
      lineNo++;
    }
    flush(out, para, start, lineNo);
    return out;
  }

  private static void flush(List<Passage> out, StringBuilder para, int start, int end) {
    if (para.length() == 0) {
      return;
    }
    String text = para.toString();
    out.add(
        new Passage(out.size(), start, end, Optional.empty(), Optional.empty(), shown(text), text));
    para.setLength(0);
  }

  /** {@code text}, cut at {@link #MAX_SHOWN_CHARS}. */
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
