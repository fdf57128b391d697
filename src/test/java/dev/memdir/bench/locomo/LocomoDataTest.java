package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.FormatException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LocomoDataTest {
  static LocomoData fixture() {
    return LocomoData.parse(LocomoFixture.JSON.getBytes(StandardCharsets.UTF_8), "fixture.json");
  }

  @Test
  void parsesSessionsTurnsAndQuestions() {
    LocomoData d = fixture();
    assertThat(d.conversations()).hasSize(2);
    LocomoData.Conversation c = d.conversations().get(0);
    assertThat(c.sampleId()).isEqualTo("fx-1");
    assertThat(c.speakerA()).isEqualTo("Ines");
    assertThat(c.sessions()).extracting(LocomoData.Session::number).containsExactly(1, 2);
    assertThat(c.sessions().get(0).date()).contains(LocalDateTime.of(2024, 3, 3, 9, 15));
    assertThat(c.sessions().get(0).turns().get(2).caption())
        .contains("a photo of a small white boat");
    assertThat(c.turnCount()).isEqualTo(5);
    assertThat(d.questionCount()).isEqualTo(8);
  }

  @Test
  void answersAreWhatTheOfficialScorerSees() {
    LocomoData.Conversation c = fixture().conversations().get(0);
    assertThat(c.questions().get(1).answer()).isEqualTo("3");
    assertThat(c.questions().get(3).answer()).isEqualTo("a boat");
    assertThat(c.questions().get(3).category()).isEqualTo(5);
  }

  @Test
  void evidenceIsKeptRawAndNormalisedApart() {
    LocomoData.Conversation c = fixture().conversations().get(0);
    assertThat(c.questions().get(1).evidence()).containsExactly("D2:02");
    assertThat(c.questions().get(1).normalizedEvidence()).containsExactly("D2:2");
    assertThat(c.questions().get(2).evidence()).containsExactly("D1:1; D2:2");
    assertThat(c.questions().get(2).normalizedEvidence()).containsExactly("D1:1", "D2:2");
    assertThat(c.questions().get(4).normalizedEvidence()).containsExactly("D1:1");
  }

  @Test
  void countsWhatWasNormalisedOrDropped() {
    Map<String, Integer> n = fixture().notes();
    assertThat(n)
        .containsEntry("date keys without a session", 1)
        .containsEntry("turns with an image caption", 1)
        .containsEntry("numeric answers converted with str()", 1)
        .containsEntry("category 5 questions without 'answer'", 1)
        .containsEntry("questions without evidence", 1)
        .containsEntry("evidence strings split into several ids", 1)
        .containsEntry("evidence ids with zero padding removed", 1)
        .containsEntry("evidence ids dropped: malformed", 1)
        .containsEntry("evidence ids dropped: no such turn", 1);
  }

  @Test
  void badInputGetsAClearError() {
    assertThatThrownBy(() -> parse("[{\"sample_id\": \"x\", \"conv"))
        .isInstanceOf(FormatException.class)
        .hasMessageStartingWith("t.json:1: invalid JSON (truncated or damaged download?)");
    assertThatThrownBy(() -> parse("{\"a\": 1}"))
        .hasMessage("t.json: expected a JSON list of conversations, got an object");
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"sample_id\": \"x\", \"conversation\": {\"speaker_a\": \"A\", \"speaker_b\": \"B\"}, \"qa\": []}]"))
        .hasMessage("t.json: x: no sessions (no 'session_N' lists in 'conversation')");
    String unknownCat =
        LocomoFixture.JSON.replace(
            "\"evidence\": [\"D1:2\"], \"category\": 4",
            "\"evidence\": [\"D1:2\"], \"category\": 7");
    assertThatThrownBy(() -> parse(unknownCat))
        .hasMessage("t.json: fx-2 qa[1]: unknown category 7 (known: 1 to 5)");
    assertThatThrownBy(() -> parse("[{\"sample_id\": 5}]"))
        .hasMessage("t.json: conversation 0: 'sample_id' must be text, got 5");
    String badEvidence = LocomoFixture.JSON.replace("[\"D1:3\"]", "\"D1:3\"");
    assertThatThrownBy(() -> parse(badEvidence))
        .hasMessage("t.json: fx-1 qa[0]: 'evidence' must be a list of dia_ids, got text");
  }

  @Test
  void theDevFileHasTheDocumentedShape() {
    LocomoData d = LocomoData.read(SharedData.require("locomo10-dev.json"));
    assertThat(d.conversations()).hasSize(7);
    assertThat(d.questionCount()).isEqualTo(1347);
    Map<Integer, Integer> cats = new TreeMap<>();
    d.conversations()
        .forEach(c -> c.questions().forEach(q -> cats.merge(q.category(), 1, Integer::sum)));
    assertThat(cats).isEqualTo(Map.of(1, 192, 2, 214, 3, 66, 4, 563, 5, 312));
    assertThat(d.notes().get("numeric answers converted with str()")).isEqualTo(6);
    assertThat(d.notes().get("evidence ids dropped: malformed")).isEqualTo(2);
  }

  private static LocomoData parse(String json) {
    return LocomoData.parse(json.getBytes(StandardCharsets.UTF_8), "t.json");
  }
}
