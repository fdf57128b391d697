package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.format.SearchSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
                // "last week", said on 20 June 2023 (RelativeDates)
                + "June 2023\n"
                + "9:10 am on 20 June, 2023");
    assertThat(s.passages().get(0).indexText())
        .startsWith("I painted a lighthouse")
        .doesNotContain("Marek");
  }

  @Test
  void aTurnThatEndsWithAQuestionIsMarked() {
    for (String q :
        List.of(
            "Any plans for the weekend?",
            "Congrats! How was it?  ",
            "Really?!",
            "Have you read \"Dune\"?",
            "Did you see \"the one I mentioned?\"",
            "(Or was it the other one?)",
            "What do you think? [image: a photo of a dog on a beach]",
            "Isn't it lovely? [image: a lake] [image: a boat]",
            "Did you go?...",
            "How are you? \uD83D\uDE0A",
            "Ready? \uD83D\uDC4D\uD83C\uDFFD",
            "Coming too?\u2764\uFE0F",
            "Fancy a walk? :)",
            "Was it you? ;-) ",
            "Pizza tonight? <3",
            "*Really?*")) {
      assertThat(Passages.isQuestion(q)).as(q).isTrue();
    }
    for (String s :
        List.of(
            "",
            "   ",
            "What a day.",
            "Why? Because I said so.",
            "I asked her: why?! Then I left.",
            "See [this?]",
            "Fine? [image: a dog",
            "broken]",
            "? no",
            "Great news :)",
            "Love it \uD83D\uDE0A",
            ":)")) {
      assertThat(Passages.isQuestion(s)).as(s).isFalse();
    }
    // Long runs of what is stripped, or of a word with no space, are read once each (a quadratic
    // scan of 400,000 characters would not finish).
    String emoji = "\uD83D\uDE0A".repeat(100_000);
    assertThat(Passages.isQuestion("Really?" + emoji)).isTrue();
    assertThat(Passages.isQuestion("Really?" + ")".repeat(200_000))).isTrue();
    assertThat(Passages.isQuestion("x".repeat(400_000))).isFalse();
    assertThat(Passages.isQuestion("Why?" + "[a]".repeat(100_000))).isTrue();
    assertThat(Passages.isQuestion("Why?" + "]".repeat(200_000))).isFalse();
    // A turn is marked by what it says, not by its neighbours; other passages never are.
    Passages.Split split = Passages.split(Fixtures.SESSION_2, "f", SearchSettings.defaults());
    assertThat(split.passages())
        .extracting(Passages.Passage::question)
        .containsExactly(false, false, false, false, true, false); // "Which college?"
    String log =
        "---\nkind: conversation\nparticipants: [Ines, Marek]\n---\n"
            + "Ines: Where did you go?\nMarek: To the coast.\n";
    assertThat(Passages.split(log, "f", SearchSettings.defaults()).passages())
        .extracting(Passages.Passage::question)
        .containsExactly(true, false);
    assertThat(Passages.split("Where?\n", "f", SearchSettings.defaults()).passages())
        .extracting(Passages.Passage::question)
        .containsExactly(false);
  }

  @Test
  void aVeryLongPassageIsShownCut() {
    String text = "y".repeat(10_000);
    Passages.Passage p = Passages.split(text, "f", SearchSettings.defaults()).passages().get(0);
    assertThat(p.text()).hasSize(Passages.MAX_SHOWN_CHARS + 2).endsWith(" …");
    assertThat(p.indexText()).hasSize(10_000);
  }

  private static List<String> sections(Passages.Split s) {
    return s.passages().stream()
        .map(p -> p.startLine() + "-" + p.endLine() + " " + String.join(" › ", p.headings()))
        .toList();
  }

  @Test
  void markdownHeadingsNestByLevelAndStartPassages() {
    String text =
        String.join(
            "\n",
            "intro line", // 1: before any heading
            "# Travel notes", // 2
            "Trips.", // 3
            "## Venice", // 4
            "Gondolas.", // 5
            "```", // 6
            "# not a heading", // 7
            "```", // 8
            "Rome", // 9: setext level 1
            "====", // 10
            "Pasta.", // 11
            "", // 12: without it, "Pasta." would be part of the setext heading below
            "Florence", // 13: setext level 2
            "--------", // 14
            "### Uffizi ###", // 15
            "Paintings.", // 16
            "## Naples", // 17
            "Pizza."); // 18
    assertThat(sections(Passages.split(text, "t.md", SearchSettings.defaults())))
        .containsExactly(
            "1-1 ",
            "2-3 Travel notes",
            "4-8 Travel notes › Venice",
            "9-11 Rome",
            "13-14 Rome › Florence",
            "15-16 Rome › Florence › Uffizi",
            "17-18 Rome › Naples");
  }

  @Test
  void otherFilesHaveNoSections() {
    String text = "# Title\nbody\n## Sub\nmore";
    assertThat(sections(Passages.split(text, "t.txt", SearchSettings.defaults())))
        .containsExactly("1-4 ");
  }

  /**
   * Random Markdown of headings, fenced "headings" and text: each passage's path is the stack of
   * the real headings above it, and no passage holds a real heading anywhere but its first line.
   */
  @Test
  void randomMarkdownPassagesNeverSpanTwoSections() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    try {
      for (int round = 0; round < 200; round++) {
        List<String> lines = new ArrayList<>();
        List<List<String>> expected = new ArrayList<>(); // path per line
        List<Boolean> heading = new ArrayList<>();
        List<String> stack = new ArrayList<>();
        List<Integer> levels = new ArrayList<>();
        int n = 1 + rnd.nextInt(30);
        for (int i = 0; i < n; i++) {
          int kind = rnd.nextInt(6);
          if (kind == 0) {
            int level = 1 + rnd.nextInt(4);
            String title = "h" + i;
            while (!levels.isEmpty() && levels.get(levels.size() - 1) >= level) {
              levels.remove(levels.size() - 1);
              stack.remove(stack.size() - 1);
            }
            levels.add(level);
            stack.add(title);
            lines.add("#".repeat(level) + " " + title);
            expected.add(List.copyOf(stack));
            heading.add(true);
          } else if (kind == 1) {
            for (String l : List.of("```", "# fenced" + i, "```")) {
              lines.add(l);
              expected.add(List.copyOf(stack));
              heading.add(false);
            }
          } else if (kind == 2) {
            lines.add("");
            expected.add(List.copyOf(stack));
            heading.add(false);
          } else {
            lines.add("word" + i);
            expected.add(List.copyOf(stack));
            heading.add(false);
          }
        }
        SearchSettings settings = SearchSettings.defaults().withPassageLines(1 + rnd.nextInt(5));
        Passages.Split s = Passages.split(String.join("\n", lines), "r.md", settings);
        for (Passages.Passage p : s.passages()) {
          assertThat(p.headings())
              .as("passage %d-%d", p.startLine(), p.endLine())
              .isEqualTo(expected.get(p.startLine() - 1));
          for (int l = p.startLine() + 1; l <= p.endLine(); l++) {
            assertThat(heading.get(l - 1)).as("heading inside passage at line %d", l).isFalse();
          }
        }
      }
    } catch (AssertionError e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
    }
  }
}
