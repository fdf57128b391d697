package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecallTest {
  @Test
  void officialRecallComparesRawStrings() {
    assertThat(Recall.official(List.of("D1:3", "D2:1"), List.of("D2:1", "D5:5"))).isEqualTo(0.5);
    assertThat(Recall.official(List.of("D8:6; D9:17"), List.of("D8:6", "D9:17"))).isZero();
    assertThat(Recall.official(List.of("D2:02"), List.of("D2:2"))).isZero();
    assertThat(Recall.official(List.of(), List.of())).isEqualTo(1.0);
  }

  @Test
  void normalizedRecallUsesResolvedIds() {
    assertThat(Recall.normalized(List.of("D8:6", "D9:17"), List.of("D9:17"))).isEqualTo(0.5);
  }
}
