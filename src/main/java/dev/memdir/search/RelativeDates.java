package dev.memdir.search;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.time.temporal.TemporalAdjusters;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The dates that a conversation turn's relative time words stand for, written out so that a query
 * naming the date finds the turn: said on 2 May 2022, "I watched it last night" is about 1 May
 * 2022, which a question "What did she watch on 1 May, 2022?" names. English only, and only
 * expressions whose date is unambiguous enough to be worth indexing:
 *
 * <ul>
 *   <li>a day: {@code yesterday}, {@code last night}, {@code tomorrow}, {@code N days ago}, {@code
 *       last / next <weekday>} (the nearest one before / after), {@code last weekend} (its Saturday
 *       and Sunday), written {@code 1 May 2022};
 *   <li>a week, a month or a year: {@code last / next week}, {@code N weeks ago}, {@code last /
 *       next month}, {@code N months ago}, {@code last / next year}, written as the month ({@code
 *       May 2022}) or the year ({@code 2021}) they fall in.
 * </ul>
 *
 * <p>The text is read once, word by word (letters and digits; words of one expression separated by
 * whitespace only), so the cost is linear in its length.
 */
final class RelativeDates {
  private RelativeDates() {}

  private static final Map<String, Integer> NUMBERS =
      Map.ofEntries(
          Map.entry("a", 1),
          Map.entry("an", 1),
          Map.entry("one", 1),
          Map.entry("two", 2),
          Map.entry("three", 3),
          Map.entry("four", 4),
          Map.entry("five", 5),
          Map.entry("six", 6),
          Map.entry("seven", 7),
          Map.entry("eight", 8),
          Map.entry("nine", 9),
          Map.entry("ten", 10));

  /**
   * The dates {@code text}'s relative time words stand for, said on {@code on}, each written out
   * once, separated by spaces; empty when there are none.
   */
  static String of(CharSequence text, LocalDate on) {
    Set<String> out = new LinkedHashSet<>();
    Words w = new Words(text);
    for (int i = 0; i < w.size(); i++) {
      if (!w.mayTrigger(i)) {
        continue;
      }
      String word = w.word(i);
      switch (word) {
        case "yesterday" -> out.add(day(on.minusDays(1)));
        case "tomorrow" -> out.add(day(on.plusDays(1)));
        case "last", "next", "past" -> {
          int sign = word.equals("next") ? 1 : -1;
          // "this past Friday" reads as "last Friday"; a bare "past" only before a unit.
          boolean weekdayAllowed = !word.equals("past") || (w.is(i - 1, "this") && w.joined(i - 1));
          String what = w.next(i);
          if (what == null) {
            break;
          }
          DayOfWeek dow = weekday(what);
          if (what.equals("night") && word.equals("last")) {
            out.add(day(on.minusDays(1)));
          } else if (what.equals("weekend") && sign < 0 && weekdayAllowed) {
            LocalDate saturday = on.with(TemporalAdjusters.previous(DayOfWeek.SATURDAY));
            out.add(day(saturday));
            out.add(day(saturday.plusDays(1)));
          } else if (dow != null && weekdayAllowed) {
            out.add(
                day(
                    on.with(
                        sign > 0 ? TemporalAdjusters.next(dow) : TemporalAdjusters.previous(dow))));
          } else if (what.equals("week")) {
            out.add(month(on.plusWeeks(sign)));
          } else if (what.equals("month")) {
            out.add(month(on.plusMonths(sign)));
          } else if (what.equals("year")) {
            out.add(String.valueOf(on.getYear() + sign));
          }
        }
        case "ago" -> ago(w, i, on).ifPresent(out::add);
        default -> {}
      }
    }
    return String.join(" ", out);
  }

  /**
   * Appends to a window document's {@code text} the dates its relative time words stand for, said
   * on {@code on}, as a line of their own; nothing when there are none.
   */
  static void appendTo(StringBuilder text, LocalDate on) {
    String dates = of(text, on);
    if (!dates.isEmpty()) {
      text.append(dates).append('\n');
    }
  }

  /** {@code N days / weeks / months / years ago}, the word "ago" being word {@code i}. */
  private static java.util.Optional<String> ago(Words w, int i, LocalDate on) {
    String unit = w.previous(i);
    String n = unit == null ? null : w.previous(i - 1);
    if (n == null) {
      return java.util.Optional.empty();
    }
    Integer count;
    if (n.chars().allMatch(Character::isDigit) && n.length() <= 2) {
      count = Integer.parseInt(n);
    } else if (n.equals("few") && w.is(i - 3, "a") && w.joined(i - 3)) {
      count = 3;
    } else if (n.equals("of") && w.is(i - 3, "couple") && w.joined(i - 3)) {
      count = w.is(i - 4, "a") && w.joined(i - 4) ? 2 : null;
    } else {
      count = NUMBERS.get(n);
    }
    if (count == null) {
      return java.util.Optional.empty();
    }
    return switch (unit) {
      case "day", "days" -> java.util.Optional.of(day(on.minusDays(count)));
      case "week", "weeks" -> java.util.Optional.of(month(on.minusWeeks(count)));
      case "month", "months" -> java.util.Optional.of(month(on.minusMonths(count)));
      case "year", "years" -> java.util.Optional.of(String.valueOf(on.getYear() - count));
      default -> java.util.Optional.empty();
    };
  }

  private static DayOfWeek weekday(String w) {
    return switch (w) {
      case "monday" -> DayOfWeek.MONDAY;
      case "tuesday" -> DayOfWeek.TUESDAY;
      case "wednesday" -> DayOfWeek.WEDNESDAY;
      case "thursday" -> DayOfWeek.THURSDAY;
      case "friday" -> DayOfWeek.FRIDAY;
      case "saturday" -> DayOfWeek.SATURDAY;
      case "sunday" -> DayOfWeek.SUNDAY;
      default -> null;
    };
  }

  private static String day(LocalDate d) {
    return ConversationLog.spelledOut(d);
  }

  private static String month(LocalDate d) {
    return d.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + d.getYear();
  }

  /** The words of a text (runs of letters and digits, lower-cased) and what separates them. */
  private static final class Words {
    private final String text;
    private final java.util.List<int[]> spans = new java.util.ArrayList<>();

    Words(CharSequence text) {
      this.text = text.toString();
      int n = this.text.length();
      int i = 0;
      while (i < n) {
        while (i < n && !Character.isLetterOrDigit(this.text.charAt(i))) {
          i++;
        }
        int start = i;
        while (i < n && Character.isLetterOrDigit(this.text.charAt(i))) {
          i++;
        }
        if (i > start) {
          spans.add(new int[] {start, i});
        }
      }
    }

    int size() {
      return spans.size();
    }

    String word(int i) {
      int[] s = spans.get(i);
      return text.substring(s[0], s[1]).toLowerCase(Locale.ROOT);
    }

    /**
     * Whether word {@code i} may start or end an expression (yesterday, tomorrow, last, next, past,
     * ago), judged by its length and first letter before any string is made.
     */
    boolean mayTrigger(int i) {
      int[] s = spans.get(i);
      int len = s[1] - s[0];
      char c = Character.toLowerCase(text.charAt(s[0]));
      return switch (len) {
        case 3 -> c == 'a';
        case 4 -> c == 'l' || c == 'n' || c == 'p';
        case 8 -> c == 't';
        case 9 -> c == 'y';
        default -> false;
      };
    }

    boolean is(int i, String w) {
      if (i < 0 || i >= spans.size()) {
        return false;
      }
      int[] s = spans.get(i);
      return s[1] - s[0] == w.length() && text.regionMatches(true, s[0], w, 0, w.length());
    }

    /** Whether word {@code i} and the next are separated by whitespace only. */
    boolean joined(int i) {
      if (i < 0 || i + 1 >= spans.size()) {
        return false;
      }
      for (int c = spans.get(i)[1]; c < spans.get(i + 1)[0]; c++) {
        if (!Character.isWhitespace(text.charAt(c))) {
          return false;
        }
      }
      return true;
    }

    /** The word after {@code i} when only whitespace separates them, else null. */
    String next(int i) {
      return joined(i) ? word(i + 1) : null;
    }

    /** The word before {@code i} when only whitespace separates them, else null. */
    String previous(int i) {
      return joined(i - 1) ? word(i - 1) : null;
    }
  }
}
