package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.format.SearchSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class PassagesTest {
  private static List<String> ranges(Passages.Split s) {
    return s.passages().stream().map(p -> p.startLine() + "-" + p.endLine()).toList();
  }

  @Test
  void paragraphsAreRunsOfNonBlankLines() {
    Passages.Split s = Passages.split("a\nb\n\n\nc\n  \nd\ne", "f", SearchSettings.defaults());
    assertThat(s.conversation()).isFalse();
    assertThat(ranges(s)).containsExactly("1-2", "5-5", "7-8");
    assertThat(s.passages().get(0).text()).isEqualTo("a\nb");
    assertThat(s.passages()).extracting(Passages.Passage::ordinal).containsExactly(0, 1, 2);
  }

  @Test
  void lineModeCutsEveryNonBlankLine() {
    SearchSettings lines = SearchSettings.defaults().withPassage(SearchSettings.PassageUnit.LINE);
    assertThat(ranges(Passages.split("a\nb\n\nc\n", "f", lines)))
        .containsExactly("1-1", "2-2", "4-4");
  }

  @Test
  void longParagraphsAreCutAfterFortyLines() {
    String text = "x\n".repeat(100);
    assertThat(ranges(Passages.split(text, "f", SearchSettings.defaults())))
        .containsExactly("1-40", "41-80", "81-100");
  }

  @Test
  void thePassageSizeIsASetting() {
    String text = "x\n".repeat(25);
    assertThat(ranges(Passages.split(text, "f", SearchSettings.defaults().withPassageLines(10))))
        .containsExactly("1-10", "11-20", "21-25");
  }

  @Test
  void conversationTurnsAreIndexedWithTheirWindowAndDateButShownAlone() {
    SearchSettings w1 = SearchSettings.defaults().withWindow(1, 1);
    Passages.Split s = Passages.split(Fixtures.SESSION_2, "f", w1);
    assertThat(s.conversation()).isTrue();
    assertThat(ranges(s)).containsExactly("8-8", "9-9", "10-10", "11-11", "12-12", "13-13");
    Passages.Passage p = s.passages().get(1);
    assertThat(p.text()).isEqualTo("Nadia: I would love to see your painting!");
    assertThat(p.indexText())
        .isEqualTo(
            "I painted a lighthouse over the lake last week.\n"
                + "I would love to see your painting!\n"
                + "Painting keeps me calm. Knitting too.\n"
                + "9:10 am on 20 June, 2023");
    assertThat(s.passages().get(0).indexText())
        .startsWith("I painted a lighthouse")
        .doesNotContain("Marek");
  }

  @Test
  void aVeryLongPassageIsShownCut() {
    String text = "y".repeat(10_000);
    Passages.Passage p = Passages.split(text, "f", SearchSettings.defaults()).passages().get(0);
    assertThat(p.text()).hasSize(Passages.MAX_SHOWN_CHARS + 2).endsWith(" …");
    assertThat(p.indexText()).hasSize(10_000);
  }
}
