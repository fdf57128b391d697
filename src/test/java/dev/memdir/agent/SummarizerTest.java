package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.TestAgents;
import dev.memdir.history.HistoryLog;
import dev.memdir.history.Message;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummarizerTest {
  @TempDir static Path dir;
  static HistoryLog log;
  static Agent agent;

  @BeforeAll
  static void open() {
    agent = TestAgents.create(dir);
    log = agent.history();
  }

  @AfterAll
  static void close() {
    agent.close();
  }

  /** Window entries with these roles, in order ("a" assistant, "t" tool, "u" user). */
  private static List<Window.Entry> entries(String roles) {
    List<Window.Entry> out = new ArrayList<>();
    for (char c : roles.toCharArray()) {
      Message m =
          c == 't'
              ? Message.toolResult("call", "x", "r")
              : c == 'a' ? Message.assistant("x") : Message.user("x");
      out.add(new Window.Entry(log.append(m), Optional.empty(), 10));
    }
    return out;
  }

  @Test
  void theCutTakesAboutTheShareAndNeverSplitsACallFromItsResults() {
    assertThat(Summarizer.cut(entries("uauauauaua"), 0.3)).isEqualTo(3);
    // 0.3 of 10 is 3, where a tool result starts: the results go with their call.
    assertThat(Summarizer.cut(entries("uattauauau"), 0.3)).isEqualTo(4);
    assertThat(Summarizer.cut(entries("u"), 0.3)).isEqualTo(-1);
  }

  @Test
  void theCutKeepsTheNewestUserMessageWhenItCan() {
    assertThat(Summarizer.cut(entries("uauattttttt"), 0.9)).isEqualTo(2);
    // The turn's own message is the first one: the cut may pass it, but not split results.
    assertThat(Summarizer.cut(entries("uattatttat"), 0.5)).isEqualTo(8);
    // Only the user's message can go without splitting the call from its results.
    assertThat(Summarizer.cut(entries("uatttttttt"), 0.5)).isEqualTo(1);
  }

  @Test
  void randomWindowsAreNeverCutBeforeAToolResult() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    for (int i = 0; i < 300; i++) {
      StringBuilder sb = new StringBuilder("u");
      int n = 1 + rnd.nextInt(30);
      for (int j = 0; j < n; j++) {
        sb.append("uat".charAt(rnd.nextInt(3)));
      }
      String roles = sb.toString().replaceAll("(?<![at])t", "a");
      int k = Summarizer.cut(entries(roles), 0.05 + rnd.nextDouble() * 0.9);
      String why = "seed " + seed + ", roles " + roles + ", cut " + k;
      if (k >= 0) {
        assertThat(k).as(why).isBetween(1, roles.length() - 1);
        assertThat(roles.charAt(k)).as(why).isNotEqualTo('t');
      } else {
        assertThat(roles).as(why).hasSizeLessThan(2);
      }
    }
  }
}
