package dev.memdir.cli;

import dev.memdir.format.AgentConfig;
import dev.memdir.search.Search;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters that check option values while picocli parses them, so that every bad value is a usage
 * error (exit 2) whose message names the option and quotes the value: picocli prefixes {@code
 * Invalid value for option '--limit' (N): } to the reasons given here.
 */
final class Opts {
  private Opts() {}

  private static int integer(String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not a whole number");
    }
  }

  private static double number(String value) {
    try {
      double d = Double.parseDouble(value.strip());
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new TypeConversionException("'" + value + "' is not a number");
  }

  private static int atLeast(String value, int min) {
    int n = integer(value);
    if (n < min) {
      throw new TypeConversionException("must be " + min + " or more, got '" + value + "'");
    }
    return n;
  }

  private static double between(String value, double min, double max) {
    double d = number(value);
    if (d < min || d > max) {
      String range = max == Double.MAX_VALUE ? "0 or more" : "from " + fmt(min) + " to " + fmt(max);
      throw new TypeConversionException("must be " + range + ", got '" + value + "'");
    }
    return d;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** A count or limit: 1 or more. */
  static final class Positive implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return atLeast(value, 1);
    }
  }

  /** An offset or a count that may be zero. */
  static final class NonNegative implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return atLeast(value, 0);
    }
  }

  /** A line to insert after: 0 is the top, -1 the end. */
  static final class InsertLine implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return atLeast(value, -1);
    }
  }

  /** A weight or factor: 0 or more. */
  static final class NonNegativeNumber implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return between(value, 0, Double.MAX_VALUE);
    }
  }

  /** A fraction: 0 to 1. */
  static final class Fraction implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return between(value, 0, 1);
    }
  }

  /** {@code --wait}: 0 to 86400 seconds. */
  static final class Seconds implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return between(value, 0, 86_400);
    }
  }

  /** The start of a time range: a date (its first second) or an ISO-8601 time. */
  static final class Start implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      return time(value, false);
    }
  }

  /** The end of a time range: a date (its last second) or an ISO-8601 time. */
  static final class End implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      return time(value, true);
    }
  }

  private static Instant time(String value, boolean end) {
    try {
      return Search.parseTime("TIME", value, end);
    } catch (RuntimeException e) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not an ISO-8601 date or time like 2026-11-26 or 2026-11-26T08:30:00Z");
    }
  }

  /** An exact ISO-8601 time with its offset, like {@code 2026-11-26T08:30:00Z}. */
  static final class Time implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return OffsetDateTime.parse(value.strip()).toInstant();
      } catch (DateTimeParseException e) {
        throw new TypeConversionException(
            "'" + value + "' is not an ISO-8601 time like 2026-11-26T08:30:00Z");
      }
    }
  }

  /** A model as {@code provider/name} with a known provider. */
  static final class Model implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      AgentConfig.modelProblem(value)
          .ifPresent(
              p -> {
                throw new TypeConversionException(p.replace("'model' ", ""));
              });
      return value;
    }
  }

  /** One of a fixed set of words. */
  abstract static class Choice implements ITypeConverter<String> {
    private final List<String> words;

    Choice(String... words) {
      this.words = List.of(words);
    }

    @Override
    public String convert(String value) {
      if (!words.contains(value)) {
        String last = words.get(words.size() - 1);
        String all = String.join(", ", words.subList(0, words.size() - 1)) + " or " + last;
        throw new TypeConversionException("must be " + all + ", got '" + value + "'");
      }
      return value;
    }
  }

  /** {@code --tag-match}. */
  static final class TagMatch extends Choice {
    TagMatch() {
      super("any", "all");
    }
  }

  /** {@code sync --on-conflict}. */
  static final class OnConflict extends Choice {
    OnConflict() {
      super("keep-both", "ours", "theirs", "fail");
    }
  }

  /** {@code bench locomo --layout}. */
  static final class BenchLayout extends Choice {
    BenchLayout() {
      super("files", "history", "both");
    }
  }

  /** {@code bench locomo --mode}. */
  static final class BenchMode extends Choice {
    BenchMode() {
      super("retrieval", "agent", "full-context", "oracle");
    }
  }

  /** {@code bench locomo --judge-prompt}. */
  static final class JudgePrompt extends Choice {
    JudgePrompt() {
      super("mem0", "strict");
    }
  }
}
