package dev.memdir.search;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.FormatException;
import dev.memdir.format.FrontMatterDocument;
import dev.memdir.format.Problem;
import dev.memdir.format.YamlMap;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A conversation log under {@code files/}: one session of a conversation, one turn per line.
 *
 * <pre>
 * ---
 * kind: conversation
 * session: 3
 * date: 2023-05-08T14:14:00
 * date_text: 2:14 pm on 8 May, 2023
 * participants: [Nadia, Marek]
 * ---
 * Nadia: Hey Mar! How was the concert?
 * Marek: Loud and wonderful. [image: a crowd in front of a stage]
 * </pre>
 *
 * <p>{@code date} is ISO-8601 (a date, or a date and time); {@code date_text} is the date as the
 * source wrote it. A turn line is {@code Speaker: text}; blank lines are skipped.
 *
 * @param session the session number, if given
 * @param date the session's date, if given and valid
 * @param dateText the date as the source wrote it, or else as {@code 8 May 2023}
 * @param participants the speakers listed in the front matter
 * @param turns the turns, in file order
 * @param problems what is wrong with the file; it is still searched
 */
record ConversationLog(
    OptionalInt session,
    Optional<LocalDate> date,
    Optional<String> dateText,
    List<String> participants,
    List<Turn> turns,
    List<Problem> problems) {

  /** The longest speaker name recognised without a {@code participants} list. */
  static final int MAX_SPEAKER_CHARS = 64;

  /**
   * One line of the log.
   *
   * @param line the 1-based file line
   * @param speaker who spoke, if the line has the {@code Speaker: } form
   * @param text the whole line as written
   * @param content the words spoken: the line without its speaker
   */
  record Turn(int line, Optional<String> speaker, String text, String content) {}

  ConversationLog {
    participants = List.copyOf(participants);
    turns = List.copyOf(turns);
    problems = List.copyOf(problems);
  }

  /**
   * The log in {@code text}, or empty when the text is not a conversation log (no front matter, or
   * no {@code kind: conversation} in it).
   *
   * @param display the file's name relative to the agent directory, for problems
   */
  static Optional<ConversationLog> parse(String text, String display) {
    if (!text.startsWith("---")) {
      return Optional.empty();
    }
    FrontMatterDocument doc;
    try {
      doc = FrontMatterDocument.parse(text, display);
    } catch (FormatException e) {
      return Optional.empty();
    }
    YamlMap fm = doc.frontMatter();
    JsonNode kind = fm.node().get("kind");
    if (kind == null || !kind.isTextual() || !kind.textValue().equals("conversation")) {
      return Optional.empty();
    }
    List<Problem> problems = new ArrayList<>();
    OptionalInt session = session(fm, display, problems);
    Optional<LocalDate> date = date(fm, display, problems);
    Optional<String> dateText = optionalText(fm, "date_text", display, problems);
    if (dateText.isEmpty()) {
      dateText = date.map(ConversationLog::spelledOut);
    }
    List<String> participants = participants(fm, display, problems);
    List<Turn> turns = turns(doc, participants, display, problems);
    return Optional.of(new ConversationLog(session, date, dateText, participants, turns, problems));
  }

  /** A date written out as {@code 8 May 2023}, so that queries naming a month find it. */
  static String spelledOut(LocalDate d) {
    return d.getDayOfMonth()
        + " "
        + d.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH)
        + " "
        + d.getYear();
  }

  private static OptionalInt session(YamlMap fm, String display, List<Problem> problems) {
    JsonNode v = fm.node().get("session");
    if (v == null || v.isNull()) {
      return OptionalInt.empty();
    }
    if (v.canConvertToInt() && v.isIntegralNumber() && v.intValue() >= 0) {
      return OptionalInt.of(v.intValue());
    }
    if (v.isTextual() && v.textValue().matches("\\d{1,9}")) {
      return OptionalInt.of(Integer.parseInt(v.textValue()));
    }
    problems.add(
        Problem.warning(display, fm.line("session"), "front matter: 'session' must be a number"));
    return OptionalInt.empty();
  }

  private static Optional<LocalDate> date(YamlMap fm, String display, List<Problem> problems) {
    JsonNode v = fm.node().get("date");
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    String s = v.asText().strip();
    try {
      if (s.length() == 10) {
        return Optional.of(LocalDate.parse(s));
      }
      try {
        return Optional.of(LocalDateTime.parse(s).toLocalDate());
      } catch (DateTimeParseException e) {
        return Optional.of(OffsetDateTime.parse(s).toLocalDate());
      }
    } catch (DateTimeParseException e) {
      problems.add(
          Problem.warning(
              display,
              fm.line("date"),
              "front matter: 'date' must be ISO-8601 like 2023-05-08 or 2023-05-08T14:14:00,"
                  + " got \""
                  + s
                  + "\""));
      return Optional.empty();
    }
  }

  private static Optional<String> optionalText(
      YamlMap fm, String key, String display, List<Problem> problems) {
    JsonNode v = fm.node().get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isContainerNode()) {
      problems.add(
          Problem.warning(display, fm.line(key), "front matter: '" + key + "' must be text"));
      return Optional.empty();
    }
    String s = v.asText().strip();
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  private static List<String> participants(YamlMap fm, String display, List<Problem> problems) {
    try {
      List<String> names = new ArrayList<>();
      for (String n : fm.stringList("participants").orElse(List.of())) {
        if (!n.isBlank()) {
          names.add(n.strip());
        }
      }
      return names;
    } catch (FormatException e) {
      problems.add(Problem.warning(display, e.line(), "front matter: " + e.detail()));
      return List.of();
    }
  }

  private static List<Turn> turns(
      FrontMatterDocument doc, List<String> participants, String display, List<Problem> problems) {
    List<String> byLength = new ArrayList<>(participants);
    byLength.sort(Comparator.comparingInt(String::length).reversed());
    List<Turn> turns = new ArrayList<>();
    int lineNo = doc.bodyLine();
    String body = doc.body();
    int pos = 0;
    while (pos < body.length()) {
      int end = body.indexOf('\n', pos);
      if (end < 0) {
        end = body.length();
      }
      String line = body.substring(pos, end);
      if (!line.isBlank()) {
        turns.add(turn(lineNo, line.strip(), byLength, display, problems));
      }
      pos = end + 1;
      lineNo++;
    }
    return turns;
  }

  private static Turn turn(
      int lineNo, String line, List<String> participants, String display, List<Problem> problems) {
    for (String p : participants) {
      if (line.startsWith(p + ":")) {
        return new Turn(lineNo, Optional.of(p), line, line.substring(p.length() + 1).strip());
      }
    }
    int colon = line.indexOf(": ");
    int bracket = line.indexOf('[');
    boolean speakerFirst = bracket < 0 || bracket > colon;
    if (colon > 0 && colon <= MAX_SPEAKER_CHARS && speakerFirst) {
      String speaker = line.substring(0, colon).strip();
      if (!speaker.isEmpty()) {
        if (!participants.isEmpty()) {
          problems.add(
              Problem.warning(
                  display, lineNo, "speaker '" + speaker + "' is not among the participants"));
        }
        return new Turn(lineNo, Optional.of(speaker), line, line.substring(colon + 2).strip());
      }
    }
    problems.add(
        Problem.warning(display, lineNo, "not a turn (expected 'Speaker: text'); searched as is"));
    return new Turn(lineNo, Optional.empty(), line, line);
  }
}
