package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OfficialF1Test {
  @Test
  void normalizeDeletesPunctuationArticlesAndCommas() {
    assertThat(OfficialF1.normalize("The self-care, and   a   walk!")).isEqualTo("selfcare walk");
    assertThat(OfficialF1.normalize("Anderson and an ant")).isEqualTo("anderson ant");
    assertThat(OfficialF1.normalize("May 7, 2023")).isEqualTo("may 7 2023");
    assertThat(OfficialF1.normalize("über\u00a0the\u2003café")).isEqualTo("über café");
  }

  @Test
  void plainF1CountsStemmedTokenOverlap() {
    assertThat(OfficialF1.score(2, "7 May 2023", "7 May 2023")).isEqualTo(1.0);
    // 3 of 4 predicted tokens match 3 of 3 gold tokens: P = .75, R = 1, F1 = 6/7.
    assertThat(OfficialF1.score(2, "On 7 May 2023", "7 May 2023"))
        .isCloseTo(6.0 / 7, within(1e-12));
    assertThat(OfficialF1.score(4, "painting", "She paints")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(OfficialF1.score(4, "", "x")).isZero();
  }

  @Test
  void multiHopSplitsOnCommasAndAveragesOverGoldParts() {
    // gold parts: "chess" (found), "sailing" (found), "baking" (missing) -> 2/3.
    assertThat(OfficialF1.score(1, "sailing, chess", "chess, sailing, baking"))
        .isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void openDomainCutsTheGoldAtTheFirstSemicolon() {
    assertThat(OfficialF1.score(3, "likely yes", "Likely yes; because she said so")).isEqualTo(1.0);
  }

  @Test
  void adversarialNeedsAnAbstention() {
    assertThat(OfficialF1.score(5, "That is Not Mentioned in the conversation", "x"))
        .isEqualTo(1.0);
    assertThat(OfficialF1.score(5, "No information available.", "x")).isEqualTo(1.0);
    assertThat(OfficialF1.score(5, "Yes, she did", "x")).isZero();
  }

  @Test
  void matchesEveryOfficialVector() throws Exception {
    Path file = SharedData.require("derived/official_f1_vectors.json");
    JsonNode vectors = new ObjectMapper().readTree(file.toFile());
    assertThat(vectors.size()).isPositive();
    for (JsonNode v : vectors) {
      String pred = v.get("prediction").asText();
      String gold = v.get("ground_truth").asText();
      int cat = v.get("category").asInt();
      double expected = v.get("official_score").asDouble();
      double got = OfficialF1.score(cat, pred, gold);
      assertThat(got).as("%s | %s (cat %d)", pred, gold, cat).isCloseTo(expected, within(0.00005));
      if (v.has("normalized_pred")) {
        assertThat(OfficialF1.normalize(pred)).isEqualTo(v.get("normalized_pred").asText());
        String cut = cat == 3 && gold.contains(";") ? gold.substring(0, gold.indexOf(';')) : gold;
        assertThat(OfficialF1.normalize(cut)).isEqualTo(v.get("normalized_gt").asText());
      }
    }
  }
}
