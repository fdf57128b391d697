package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.TestAgents;
import dev.memdir.history.HistoryLog;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowTest {
  @TempDir Path dir;

  private static List<String> contents(Window w) {
    List<String> out = new ArrayList<>();
    w.summary().ifPresent(s -> out.add("S:" + s.record().content()));
    w.entries().forEach(e -> out.add(e.record().content()));
    return out;
  }

  @Test
  void theWindowIsTheLatestSummaryAndTheRecordsAfterItsRange() {
    try (Agent agent = TestAgents.create(dir)) {
      HistoryLog log = agent.history();
      List<Record> r = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        r.add(log.append(Message.user("m" + i)));
      }
      log.append(Message.summary("old", r.get(0).id(), r.get(49).id()));
      for (int i = 200; i < 210; i++) {
        r.add(log.append(Message.user("m" + i)));
      }
      // The latest summary covers up to m150; m151..m199 were kept, then m200..m209 follow it.
      log.append(Message.summary("new", r.get(0).id(), r.get(150).id()));
      r.add(log.append(Message.user("last")));
      Window w = Window.load(log, new Tokens(), 1_000_000);
      List<String> c = contents(w);
      assertThat(c.get(0)).isEqualTo("S:new");
      assertThat(c.get(1)).isEqualTo("m151");
      assertThat(c).hasSize(1 + 49 + 10 + 1);
      assertThat(c.get(c.size() - 1)).isEqualTo("last");
      assertThat(w.historyCount()).isEqualTo(213);
      assertThat(w.skipped()).isZero();
    }
  }

  @Test
  void withoutASummaryTheWindowHoldsTheNewestRecordsThatFitTheCap() {
    try (Agent agent = TestAgents.create(dir)) {
      HistoryLog log = agent.history();
      for (int i = 0; i < 3000; i++) {
        log.append(Message.user("message number " + i));
      }
      Window w = Window.load(log, new Tokens(), 2_000);
      assertThat(w.summary()).isEmpty();
      assertThat(w.messageTokens()).isLessThanOrEqualTo(2_000);
      assertThat(w.entries().size()).isBetween(100, 300);
      assertThat(w.entries().get(w.entries().size() - 1).record().content())
          .isEqualTo("message number 2999");
      assertThat(w.messageTokens())
          .isEqualTo(w.entries().stream().mapToLong(Window.Entry::tokens).sum());
    }
  }

  @Test
  void randomHistoriesLoadTheSameWindowAsOneBuiltRecordByRecord() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    for (int trial = 0; trial < 5; trial++) {
      Path d = dir.resolve("t" + trial);
      try (Agent agent = TestAgents.create(d)) {
        HistoryLog log = agent.history();
        List<Record> all = new ArrayList<>();
        String summary = null;
        int coveredTo = -1;
        int n = 20 + rnd.nextInt(400);
        for (int i = 0; i < n; i++) {
          if (i > 2 && rnd.nextInt(40) == 0) {
            coveredTo = Math.max(coveredTo, rnd.nextInt(all.size()));
            summary = "sum" + i;
            log.append(Message.summary(summary, all.get(0).id(), all.get(coveredTo).id()));
          } else {
            all.add(log.append(Message.user("u" + i + " " + "x".repeat(rnd.nextInt(50)))));
          }
        }
        List<String> expected = new ArrayList<>();
        if (summary != null) {
          expected.add("S:" + summary);
        }
        for (Record r : all.subList(coveredTo + 1, all.size())) {
          expected.add(r.content());
        }
        assertThat(contents(Window.load(log, new Tokens(), 10_000_000)))
            .as("seed %d, trial %d", seed, trial)
            .isEqualTo(expected);
      }
    }
  }
}
