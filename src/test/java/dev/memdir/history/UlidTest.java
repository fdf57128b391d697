package dev.memdir.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UlidTest {
  @Test
  void anIdIs26CrockfordCharactersCarryingItsMillisecond() {
    Instant t = Instant.parse("2026-11-26T08:30:00.123Z");
    String id = new Ulid().next(t);
    assertThat(id).matches("[0-9A-HJKMNP-TV-Z]{26}");
    assertThat(Ulid.isValid(id)).isTrue();
    assertThat(Ulid.timeOf(id)).contains(t);
  }

  @Test
  void theTimePartMatchesTheSpecsExample() {
    // ulid/spec: 1469918176385 ms is 01ARYZ6S41.
    assertThat(new Ulid().next(Instant.ofEpochMilli(1469918176385L))).startsWith("01ARYZ6S41");
    assertThat(Ulid.encode(0, 0)).isEqualTo("00000000000000000000000000");
    assertThat(Ulid.encode(-1, -1)).isEqualTo("7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
  }

  @Test
  void idsOfOneMillisecondIncreaseAndAllIdsSortByTime() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    Ulid ulid = new Ulid();
    List<String> ids = new ArrayList<>();
    long ms = 1_700_000_000_000L;
    for (int i = 0; i < 2000; i++) {
      ms += r.nextInt(3) == 0 ? r.nextInt(5) : 0;
      ids.add(ulid.next(Instant.ofEpochMilli(ms)));
      assertThat(Ulid.timeOf(ids.get(i))).as("seed %d", seed).contains(Instant.ofEpochMilli(ms));
    }
    assertThat(ids).as("seed %d", seed).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void notAUlidIsToldApart() {
    assertThat(Ulid.isValid("01ARYZ6S41TSV4RRFFQ69G5FA")).isFalse(); // 25 chars
    assertThat(Ulid.isValid("01ARYZ6S41TSV4RRFFQ69G5FAU")).isFalse(); // U is not Crockford
    assertThat(Ulid.isValid("81ARYZ6S41TSV4RRFFQ69G5FAV")).isFalse(); // over 2^128
    assertThat(Ulid.isValid("01aryz6s41tsv4rrffq69g5fav")).isTrue();
    assertThat(Ulid.timeOf("msg-1")).isEmpty();
  }

  @Test
  void timesBefore1970CannotBeIds() {
    assertThatThrownBy(() -> new Ulid().next(Instant.parse("1969-12-31T23:59:59Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a ULID cannot hold the time 1969-12-31T23:59:59Z");
  }
}
