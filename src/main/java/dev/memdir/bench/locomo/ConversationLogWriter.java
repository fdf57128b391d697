package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.format.FrontMatterDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes one LoCoMo session as a conversation log (docs/FORMAT.md, "Conversation logs"), the
 * Letta-Filesystem layout: front matter, then one {@code Speaker: text} line per turn, with {@code
 * [image: caption]} appended when the turn shared an image.
 */
final class ConversationLogWriter {
  private ConversationLogWriter() {}

  /**
   * A rendered log and the dia_id of each line.
   *
   * @param fileName e.g. {@code session-01_2023-05-08.md}
   * @param text the file's text
   * @param firstTurnLine the 1-based line of the first turn
   * @param diaIds the dia_id of the turn on line {@code firstTurnLine + i}
   */
  record Log(String fileName, String text, int firstTurnLine, List<String> diaIds) {
    Log {
      diaIds = List.copyOf(diaIds);
    }
  }

  static Log write(LocomoData.Conversation c, LocomoData.Session s) {
    ObjectNode fm = JsonNodeFactory.instance.objectNode();
    fm.put("kind", "conversation");
    fm.put("session", s.number());
    s.date().ifPresent(d -> fm.put("date", d.toString().length() == 16 ? d + ":00" : d.toString()));
    if (!s.dateText().isEmpty()) {
      fm.put("date_text", s.dateText());
    }
    fm.putArray("participants").add(c.speakerA()).add(c.speakerB());
    StringBuilder body = new StringBuilder();
    List<String> ids = new ArrayList<>();
    for (LocomoData.Turn t : s.turns()) {
      body.append(oneLine(t.speaker())).append(": ").append(oneLine(t.text()));
      t.caption().ifPresent(cap -> body.append(" [image: ").append(oneLine(cap)).append(']'));
      body.append('\n');
      ids.add(t.diaId());
    }
    String header = FrontMatterDocument.render(fm, "");
    int firstTurnLine = (int) header.chars().filter(ch -> ch == '\n').count() + 1;
    String name =
        String.format(Locale.ROOT, "session-%02d", s.number())
            + s.date().map(d -> "_" + d.toLocalDate()).orElse("")
            + ".md";
    return new Log(name, header + body, firstTurnLine, ids);
  }

  /** Newlines inside a turn become spaces, so every turn is exactly one line. */
  static String oneLine(String s) {
    return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
  }
}
