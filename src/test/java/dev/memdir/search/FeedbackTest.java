package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pseudo-relevance feedback, session routing and second-query interleaving of search_files. */
class FeedbackTest {
  @TempDir Path tmp;

  private Search search(Path agent) {
    Layout layout = Layout.of(agent);
    return Search.open(
        layout,
        SearchSettings.defaults(),
        new dev.memdir.archival.ArchivalStore(layout, Clock.systemUTC()));
  }

  private static List<String> rank(Search s, String q) {
    return SearchFilesTest.locations(s.searchFiles(q, 10, Optional.empty()));
  }

  @Test
  void feedbackTermsComeFromTheTopPassagesAndLeaveOutTheQuery() throws Exception {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      s.feedback(new Feedback(1, 4, 0.5));
      List<FileHit> top = s.searchFiles("marshmallows", 1, Optional.empty()).hits();
      List<String> topTerms =
          s.feedbackIndexTerms(top.get(0).text()); // the analyzer's terms of the top passage
      Map<String, Double> extra = s.feedbackTerms(Map.of("marshmallow", 1), top);
      assertThat(extra).hasSize(4).doesNotContainKey("marshmallow");
      assertThat(topTerms).containsAll(extra.keySet());
      assertThat(extra.values()).allMatch(w -> w > 0 && w <= 0.5).contains(0.5);
    }
  }

  @Test
  void everySwitchOffRestoresTheOldRanking() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      List<String> before = rank(s, "roasted marshmallows by the lake");
      s.feedback(new Feedback(3, 10, 1.0));
      s.sessionWeight(1.0);
      s.hopSlots(1);
      List<String> changed = rank(s, "roasted marshmallows by the lake");
      assertThat(changed).isNotEqualTo(before);
      s.feedback(Feedback.OFF);
      s.sessionWeight(0);
      s.hopSlots(0);
      assertThat(rank(s, "roasted marshmallows by the lake")).isEqualTo(before);
    }
  }

  @Test
  void badSwitchesAreRefused() {
    assertThatThrownBy(() -> new Feedback(-1, 10, 0.3)).hasMessageContaining("docs 0-50");
    assertThatThrownBy(() -> new Feedback(3, 10, Double.NaN)).hasMessageContaining("weight 0-10");
  }
}
