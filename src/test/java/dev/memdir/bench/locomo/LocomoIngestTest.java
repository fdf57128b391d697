package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.history.Record;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocomoIngestTest {
  @TempDir Path dir;

  @Test
  void everyPassageAndRecordMapsBackToItsTurn() throws Exception {
    LocomoData.Conversation c = LocomoDataTest.fixture().conversations().get(0);
    Map<String, LocomoData.Turn> turns = new HashMap<>();
    c.sessions().forEach(s -> s.turns().forEach(t -> turns.put(t.diaId(), t)));
    Path a = dir.resolve("fx-1");
    LocomoIngest.DiaMap map = LocomoIngest.ingest(c, a, LocomoIngest.Layout.BOTH);
    assertThat(map.passages()).hasSize(5);
    assertThat(map.records()).hasSize(5);
    for (Map.Entry<String, String> e : map.passages().entrySet()) {
      String file = e.getKey().substring(0, e.getKey().lastIndexOf(':'));
      int line = Integer.parseInt(e.getKey().substring(e.getKey().lastIndexOf(':') + 1));
      List<String> lines = Files.readAllLines(a.resolve("files").resolve(file));
      LocomoData.Turn t = turns.get(e.getValue());
      assertThat(lines.get(line - 1)).startsWith(t.speaker() + ": " + t.text());
    }
    try (Agent agent = Agent.open(a)) {
      List<Record> all = agent.history().stream().collect(Collectors.toList());
      assertThat(all).hasSize(5);
      for (Record r : all) {
        LocomoData.Turn t = turns.get(map.diaIdOfRecord(r.id()).orElseThrow());
        // The words as content, the speaker as the message's name.
        assertThat(r.content()).startsWith(t.text());
        assertThat(r.name()).contains(t.speaker());
      }
      assertThat(all.get(0).ts().toString()).isEqualTo("2024-03-03T09:15:00Z");
      assertThat(agent.validate().errors()).isEmpty();
      assertThat(agent.memory().get("human").value()).contains("Ines").contains("Marek");
    }
    assertThat(map.diaId("session-01_2024-03-03.md", 12)).contains("D1:3");
    assertThat(map.diaId("session-01_2024-03-03.md", 9)).isEmpty();
  }

  @Test
  void theFilesLayoutWritesNoHistory() throws Exception {
    LocomoData.Conversation c = LocomoDataTest.fixture().conversations().get(1);
    LocomoIngest.DiaMap map =
        LocomoIngest.ingest(c, dir.resolve("fx-2"), LocomoIngest.Layout.FILES);
    assertThat(map.records()).isEmpty();
    try (Agent agent = Agent.open(dir.resolve("fx-2"))) {
      assertThat(agent.messageCount()).isZero();
      assertThat(agent.fileCount()).isEqualTo(1);
    }
  }
}
