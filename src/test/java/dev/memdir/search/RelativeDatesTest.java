package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class RelativeDatesTest {
  // A Monday.
  private static final LocalDate ON = LocalDate.of(2022, 5, 2);

  @Test
  void daysBeforeAndAfter() {
    assertThat(RelativeDates.of("I watched it last night!", ON)).isEqualTo("1 May 2022");
    assertThat(RelativeDates.of("Yesterday's game was wild", ON)).isEqualTo("1 May 2022");
    assertThat(RelativeDates.of("See you TOMORROW", ON)).isEqualTo("3 May 2022");
    assertThat(RelativeDates.of("two days ago", ON)).isEqualTo("30 April 2022");
    assertThat(RelativeDates.of("3 days ago", ON)).isEqualTo("29 April 2022");
    assertThat(RelativeDates.of("a couple of days ago", ON)).isEqualTo("30 April 2022");
    assertThat(RelativeDates.of("a day ago", ON)).isEqualTo("1 May 2022");
  }

  @Test
  void weekdaysAreTheNearestOneBeforeOrAfterNeverTheDayItself() {
    assertThat(RelativeDates.of("last Friday", ON)).isEqualTo("29 April 2022");
    assertThat(RelativeDates.of("last Monday", ON)).isEqualTo("25 April 2022");
    assertThat(RelativeDates.of("this past Sunday", ON)).isEqualTo("1 May 2022");
    assertThat(RelativeDates.of("next Monday", ON)).isEqualTo("9 May 2022");
    assertThat(RelativeDates.of("last weekend", ON)).isEqualTo("30 April 2022 1 May 2022");
  }

  @Test
  void weeksMonthsAndYearsAreTheMonthOrYearTheyFallIn() {
    assertThat(RelativeDates.of("last week", ON)).isEqualTo("April 2022");
    assertThat(RelativeDates.of("next week", ON)).isEqualTo("May 2022");
    assertThat(RelativeDates.of("three weeks ago", ON)).isEqualTo("April 2022");
    assertThat(RelativeDates.of("last month", LocalDate.of(2023, 1, 15)))
        .isEqualTo("December 2022");
    assertThat(RelativeDates.of("next month", LocalDate.of(2023, 12, 31)))
        .isEqualTo("January 2024");
    assertThat(RelativeDates.of("6 months ago", ON)).isEqualTo("November 2021");
    assertThat(RelativeDates.of("last year", ON)).isEqualTo("2021");
    assertThat(RelativeDates.of("two years ago", ON)).isEqualTo("2020");
  }

  @Test
  void eachDateOnceInTheOrderFoundAndNothingForOtherWords() {
    assertThat(RelativeDates.of("Yesterday was great, last night too. Last year? Yesterday.", ON))
        .isEqualTo("1 May 2022 2021");
    assertThat(RelativeDates.of("yesterdays are gone; the last weekday; daysago", ON)).isEmpty();
    assertThat(RelativeDates.of("last time we met, a week later", ON)).isEmpty();
    assertThat(RelativeDates.of("", ON)).isEmpty();
  }

  @Test
  void longTextIsMatchedInOnePass() {
    // No nested repetition: a long text of near-misses is scanned once.
    String text = "last ".repeat(50_000) + "night";
    assertThat(RelativeDates.of(text, ON)).isEqualTo("1 May 2022");
  }
}
