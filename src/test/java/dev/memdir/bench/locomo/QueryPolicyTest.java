package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueryPolicyTest {
  @Test
  void aQuestionNamingOneSpeakerPrefersThatSpeaker() {
    QueryPolicy.Query q = QueryPolicy.of("Where did Ines take the boat?", "Ines", "Marek");
    assertThat(q.speaker()).contains("Ines");
    assertThat(q.query()).isEqualTo("Where did take the boat?");
  }

  @Test
  void possessivesCountAsNaming() {
    assertThat(QueryPolicy.of("What is Marek's boat called?", "Ines", "Marek").speaker())
        .contains("Marek");
  }

  @Test
  void bothOrNeitherSpeakerMeansNoPreference() {
    assertThat(QueryPolicy.of("When did Ines and Marek meet?", "Ines", "Marek").speaker())
        .isEmpty();
    assertThat(QueryPolicy.of("What lake is it?", "Ines", "Marek"))
        .isEqualTo(new QueryPolicy.Query("What lake is it?", Optional.empty()));
  }

  @Test
  void namesInsideOtherWordsDoNotCount() {
    assertThat(QueryPolicy.of("Did Annabel go?", "Anna", "Bo").speaker()).isEmpty();
  }

  @Test
  void aQueryOfOnlyANameKeepsTheName() {
    assertThat(QueryPolicy.of("Ines?", "Ines", "Marek").query()).isEqualTo("Ines?");
  }

  @Test
  void frameWordsLeaveTheQuery() {
    assertThat(QueryPolicy.of("How many dogs does Ines have?", "Ines", "Marek").query())
        .isEqualTo("How dogs does have?");
    assertThat(QueryPolicy.of("What KIND of soup did Marek make?", "Ines", "Marek").query())
        .isEqualTo("What of soup did make?");
    assertThat(QueryPolicy.of("Is it likely that Ines likes kindness?", "Ines", "Marek").query())
        .isEqualTo("Is it that likes kindness?");
    assertThat(QueryPolicy.of("Which cities has Ines mentioned visiting?", "Ines", "Marek").query())
        .isEqualTo("Which cities has visiting?");
    // Switched off, they stay (names go as before).
    assertThat(QueryPolicy.of("How many dogs does Ines have?", "Ines", "Marek", true, true, false))
        .isEqualTo(new QueryPolicy.Query("How many dogs does have?", Optional.of("Ines")));
    // A question of nothing else keeps its words.
    assertThat(QueryPolicy.of("Many things?", "Ines", "Marek").query()).isEqualTo("Many things?");
  }
}
