package dev.memdir.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.ConfigException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchSettingsTest {
  static final String YAML =
      """
      name: a
      search:
        k1: 0.9
        b: 0.5
        stemmer: none
        stop_words: lucene
        passage: line
        passage_lines: 12
        window: 0
        neighbours: 2
        neighbour_weight: 0.8
        reply_weight: 0.9
        question_weight: 0.7
        speaker_boost: 2
        speaker_gate: 0.5
        hypernym_weight: 0.25
        max_open_files: 3
      """;

  @Test
  void everyKeyOfTheSearchMappingIsRead() {
    List<Problem> warnings = new ArrayList<>();
    SearchSettings s = AgentConfig.parse(YAML, "d", warnings).search();
    assertThat(s)
        .isEqualTo(
            new SearchSettings(
                0.9,
                0.5,
                SearchSettings.Stemmer.NONE,
                SearchSettings.StopWords.LUCENE,
                SearchSettings.PassageUnit.LINE,
                12,
                0,
                2,
                0.8,
                0.9,
                0.7,
                2,
                0.5,
                3,
                0.25));
    assertThat(warnings).isEmpty();
  }

  @Test
  void withoutASearchMappingTheDefaultsApply() {
    SearchSettings s = AgentConfig.parse("name: a\n", "d", new ArrayList<>()).search();
    assertThat(s).isEqualTo(SearchSettings.defaults());
    assertThat(s.k1()).isEqualTo(1.2);
    assertThat(s.b()).isEqualTo(0.75);
    assertThat(s.window()).isEqualTo(1);
    assertThat(s.neighbours()).isEqualTo(1);
    assertThat(s.maxOpenFiles()).isEqualTo(5);
    assertThat(s.hypernymWeight()).isEqualTo(0.5);
    assertThat(s.replyWeight()).isEqualTo(1.0);
    assertThat(s.questionWeight()).isEqualTo(1.0);
  }

  @Test
  void aWrongValueNamesTheLineOfItsKey() {
    assertThatThrownBy(
            () -> AgentConfig.parse("name: a\nsearch:\n  k1: 1\n  b: 2\n", "d", new ArrayList<>()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("agent.yaml:4: 'search.b' must be a number from 0 to 1, got 2");
    assertThatThrownBy(
            () -> AgentConfig.parse("search:\n  stemmer: snowball\n", "d", new ArrayList<>()))
        .hasMessage("agent.yaml:2: 'search.stemmer' must be porter | none, got \"snowball\"");
    assertThatThrownBy(
            () -> AgentConfig.parse("search:\n\n  window: 1.5\n", "d", new ArrayList<>()))
        .hasMessage("agent.yaml:3: 'search.window' must be an integer from 0 to 5, got 1.5");
    assertThatThrownBy(() -> AgentConfig.parse("search: fast\n", "d", new ArrayList<>()))
        .hasMessage("agent.yaml:1: 'search' must be a mapping of keys to values, got \"fast\"");
    assertThatThrownBy(
            () -> AgentConfig.parse("search:\n  max_open_files: 0\n", "d", new ArrayList<>()))
        .hasMessage("agent.yaml:2: 'search.max_open_files' must be an integer from 1 to 50, got 0");
    assertThatThrownBy(
            () -> AgentConfig.parse("search:\n  hypernym_weight: -1\n", "d", new ArrayList<>()))
        .hasMessage("agent.yaml:2: 'search.hypernym_weight' must be a number from 0 to 5, got -1");
    assertThatThrownBy(
            () -> AgentConfig.parse("search:\n  reply_weight: 1.5\n", "d", new ArrayList<>()))
        .hasMessage("agent.yaml:2: 'search.reply_weight' must be a number from 0 to 1, got 1.5");
    assertThatThrownBy(
            () -> AgentConfig.parse("search:\n  question_weight: 2\n", "d", new ArrayList<>()))
        .hasMessage("agent.yaml:2: 'search.question_weight' must be a number from 0 to 1, got 2");
  }

  @Test
  void unknownKeysWarnAndSurviveARewrite() {
    List<Problem> warnings = new ArrayList<>();
    AgentConfig c = AgentConfig.parse("name: a\nsearch:\n  b: 0.5\n  fuzzy: true\n", "d", warnings);
    assertThat(warnings)
        .extracting(Problem::toString)
        .containsExactly("agent.yaml:4: unknown key 'search.fuzzy' (kept as is)");
    String yaml = c.toYaml();
    assertThat(yaml).contains("search:\n  b: 0.5\n  fuzzy: true\n");
    assertThat(AgentConfig.parse(yaml, "d", new ArrayList<>())).isEqualTo(c);
  }

  @Test
  void defaultValuesAreNotWrittenBack() {
    AgentConfig c = AgentConfig.parse("name: a\nsearch:\n  k1: 1.2\n", "d", new ArrayList<>());
    assertThat(c.toYaml()).doesNotContain("search:").doesNotContain("k1");
  }

  @Test
  void theAnalysisSignatureNamesWhatChangesTheIndex() {
    assertThat(SearchSettings.defaults().analysisSignature())
        .isEqualTo(
            "stemmer=porter stop_words=english passage=paragraph passage_lines=40 window=1"
                + " hypernyms=on");
    assertThat(SearchSettings.defaults().withBm25(2, 0).analysisSignature())
        .isEqualTo(SearchSettings.defaults().analysisSignature());
    // Another hypernym weight is applied at query time; turning hypernyms off changes the index.
    assertThat(SearchSettings.defaults().withHypernymWeight(2).analysisSignature())
        .isEqualTo(SearchSettings.defaults().analysisSignature());
    assertThat(SearchSettings.defaults().withHypernymWeight(0).analysisSignature())
        .endsWith(" hypernyms=off");
  }

  @Test
  void valuesOutOfRangeAreRefusedInCode() {
    assertThatThrownBy(() -> SearchSettings.defaults().withBm25(-1, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("search.k1 must be from 0 to 10, got -1.0");
  }
}
