package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memdir.FormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionScorerTest {
  @TempDir Path dir;

  private Path predictions(String... lines) throws Exception {
    Path p = dir.resolve("pred.jsonl");
    Files.write(p, List.of(lines));
    return p;
  }

  @Test
  void scoresEveryQuestionAndCountsMissingOnes() throws Exception {
    LocomoData data = LocomoDataTest.fixture();
    Path pred =
        predictions(
            "{\"sample_id\": \"fx-1\", \"question_index\": 0, \"prediction\": \"The lake near Olsztyn\"}",
            "{\"sample_id\": \"fx-1\", \"question_index\": 1, \"prediction\": 3}",
            "{\"sample_id\": \"fx-1\", \"question_index\": 3, \"prediction\": \"Not mentioned.\"}",
            "{\"sample_id\": \"fx-1\", \"question_index\": 4, \"prediction\": \"sailing\"}",
            "",
            "{\"sample_id\": \"fx-2\", \"question_index\": 1, \"prediction\": \"Miso the puppy\"}");
    PredictionScorer.Result r = PredictionScorer.score(data, pred, dir.resolve("out"));
    assertThat(r.questions()).isEqualTo(8);
    assertThat(r.missing()).isEqualTo(3);
    // "Miso the puppy" -> [miso, puppi] against [miso]: P = 1/2, R = 1, F1 = 2/3.
    double miso = 2.0 / 3;
    // 1 + 1 + 1 (cat 5 abstains) + 0.5 (cat 1: one of two gold parts) + 2/3, over 8 questions.
    assertThat(r.overall()).isCloseTo((1 + 1 + 1 + 0.5 + miso) / 8, within(1e-12));
    assertThat(r.cats14()).isCloseTo((1 + 1 + 0.5 + miso) / 7, within(1e-12));
    assertThat(r.byCategory().get(5)).isEqualTo(1.0);
    List<String> lines = Files.readAllLines(dir.resolve("out/scores.jsonl"));
    assertThat(lines).hasSize(8);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("sample_id").asText()).isEqualTo("fx-1");
    assertThat(first.get("f1").asDouble()).isEqualTo(1.0);
    JsonNode report = new ObjectMapper().readTree(dir.resolve("out/report.json").toFile());
    assertThat(report.at("/f1/overall").asDouble()).isEqualTo(r.overall());
    assertThat(report.at("/f1/by_category/4").asDouble()).isEqualTo(r.byCategory().get(4));
    assertThat(report.get("missing").asInt()).isEqualTo(3);
  }

  @Test
  void duplicateUnknownAndMalformedLinesAreErrorsNamingTheLine() throws Exception {
    LocomoData data = LocomoDataTest.fixture();
    String ok = "{\"sample_id\": \"fx-1\", \"question_index\": 0, \"prediction\": \"x\"}";
    assertThatThrownBy(() -> PredictionScorer.score(data, predictions(ok, ok), dir.resolve("o")))
        .isInstanceOf(FormatException.class)
        .hasMessage(
            dir.resolve("pred.jsonl")
                + ":2: duplicate prediction for fx-1 question 0 (first on line 1)");
    assertThatThrownBy(
            () ->
                PredictionScorer.score(
                    data,
                    predictions(
                        "{\"sample_id\": \"fx-9\", \"question_index\": 0, \"prediction\": \"x\"}"),
                    dir.resolve("o")))
        .hasMessage(
            dir.resolve("pred.jsonl") + ":1: unknown sample_id 'fx-9' (not in fixture.json)");
    assertThatThrownBy(
            () ->
                PredictionScorer.score(
                    data,
                    predictions(
                        ok,
                        "{\"sample_id\": \"fx-2\", \"question_index\": 2, \"prediction\": \"x\"}"),
                    dir.resolve("o")))
        .hasMessage(
            dir.resolve("pred.jsonl") + ":2: unknown question: fx-2 has questions 0 to 1, got 2");
    assertThatThrownBy(
            () -> PredictionScorer.score(data, predictions("{not json"), dir.resolve("o")))
        .hasMessageStartingWith(dir.resolve("pred.jsonl") + ":1: not a JSON object");
    assertThatThrownBy(
            () ->
                PredictionScorer.score(
                    data,
                    predictions(
                        "{\"sample_id\": \"fx-1\", \"question_index\": \"0\", \"prediction\": \"x\"}"),
                    dir.resolve("o")))
        .hasMessageStartingWith(
            dir.resolve("pred.jsonl") + ":1: 'question_index' must be an integer");
    assertThat(dir.resolve("o")).doesNotExist();
  }
}
