package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConversationLogWriterTest {
  @Test
  void writesFrontMatterAndOneLinePerTurnWithCaptions() {
    LocomoData.Conversation c = LocomoDataTest.fixture().conversations().get(0);
    ConversationLogWriter.Log log = ConversationLogWriter.write(c, c.sessions().get(0));
    assertThat(log.fileName()).isEqualTo("session-01_2024-03-03.md");
    assertThat(log.text())
        .isEqualTo(
            """
            ---
            kind: conversation
            session: 1
            date: 2024-03-03T09:15:00
            date_text: "9:15 am on 3 March, 2024"
            participants:
              - Ines
              - Marek
            ---
            Ines: I finally repaired the old sailing boat.
            Marek: Great! Where will you take it first?
            Ines: To the lake near Olsztyn, next weekend. [image: a photo of a small white boat]
            """);
    assertThat(log.firstTurnLine()).isEqualTo(10);
    assertThat(log.diaIds()).containsExactly("D1:1", "D1:2", "D1:3");
    String[] lines = log.text().split("\n");
    assertThat(lines[log.firstTurnLine() - 1 + 2]).startsWith("Ines: To the lake");
  }

  @Test
  void newlinesInsideATurnBecomeSpaces() {
    assertThat(ConversationLogWriter.oneLine("a\nb\r\nc")).isEqualTo("a b c");
  }
}
