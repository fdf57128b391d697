package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.format.Problem;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ConversationLogTest {
  @Test
  void aLogHasSessionDateParticipantsAndOneTurnPerLine() {
    ConversationLog log = ConversationLog.parse(Fixtures.SESSION_1, "files/s1.md").orElseThrow();
    assertThat(log.session()).isEqualTo(OptionalInt.of(1));
    assertThat(log.date()).contains(LocalDate.of(2023, 5, 8));
    assertThat(log.dateText()).contains("2:14 pm on 8 May, 2023");
    assertThat(log.participants()).containsExactly("Nadia", "Marek");
    assertThat(log.turns()).hasSize(7);
    ConversationLog.Turn t = log.turns().get(3);
    assertThat(t.line()).isEqualTo(12);
    assertThat(t.speaker()).contains("Marek");
    assertThat(t.content())
        .isEqualTo(
            "They loved it. We roasted marshmallows by the fire. [image: a tent beside a lake]");
    assertThat(log.problems()).isEmpty();
  }

  @Test
  void withoutDateTextTheDateIsSpelledOut() {
    String text = "---\nkind: conversation\ndate: 2023-06-20\n---\nA: hi\n";
    ConversationLog log = ConversationLog.parse(text, "files/s.md").orElseThrow();
    assertThat(log.dateText()).contains("20 June 2023");
    assertThat(log.turns().get(0).speaker()).contains("A");
  }

  @Test
  void filesWithoutConversationKindAreNotLogs() {
    assertThat(ConversationLog.parse("Nadia: hi\n", "files/a.md")).isEmpty();
    assertThat(ConversationLog.parse("---\nkind: notes\n---\nNadia: hi\n", "files/a.md")).isEmpty();
    assertThat(ConversationLog.parse("---\nkind: [\n---\nx\n", "files/a.md")).isEmpty();
  }

  @Test
  void problemsNameTheFileAndLineAndTheLogIsStillRead() {
    String text =
        "---\nkind: conversation\nsession: first\ndate: May 8\nparticipants: [Ann, Bob]\n---\n"
            + "Ann: hello\nCarl: who are you?\njust a line\n";
    ConversationLog log = ConversationLog.parse(text, "files/s.md").orElseThrow();
    assertThat(log.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "files/s.md:3: front matter: 'session' must be a number",
            "files/s.md:4: front matter: 'date' must be ISO-8601 like 2023-05-08 or"
                + " 2023-05-08T14:14:00, got \"May 8\"",
            "files/s.md:8: speaker 'Carl' is not among the participants",
            "files/s.md:9: not a turn (expected 'Speaker: text'); searched as is");
    assertThat(log.turns())
        .extracting(ConversationLog.Turn::speaker)
        .containsExactly(Optional.of("Ann"), Optional.of("Carl"), Optional.empty());
    assertThat(log.date()).isEmpty();
  }

  @Test
  void participantNamesWithSpacesAndColonsInTextAreRead() {
    String text =
        "---\nkind: conversation\nparticipants: [Dr. Ada Lovelace, Bob]\n---\n"
            + "Dr. Ada Lovelace: The time is 10:30: late.\nBob: [image: a clock] Right: late.\n";
    List<ConversationLog.Turn> turns = ConversationLog.parse(text, "f").orElseThrow().turns();
    assertThat(turns.get(0).speaker()).contains("Dr. Ada Lovelace");
    assertThat(turns.get(0).content()).isEqualTo("The time is 10:30: late.");
    assertThat(turns.get(1).speaker()).contains("Bob");
  }
}
