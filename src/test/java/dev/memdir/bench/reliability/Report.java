package dev.memdir.bench.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The figures table, printed and written to benchmarks/RELIABILITY.md. */
final class Report {
  private final List<Row> rows;
  private final Plan plan;
  private final String command;
  private final Instant started;
  private final long seconds;

  Report(List<Row> rows, Plan plan, String command, Instant started, long seconds) {
    this.rows = List.copyOf(rows);
    this.plan = plan;
    this.command = command;
    this.started = started;
    this.seconds = seconds;
  }

  boolean goalsMet() {
    return missed() == 0;
  }

  long missed() {
    return rows.stream().filter(r -> !r.goalMet()).count();
  }

  /** What the goal figure of a family counts. */
  static String lostMeans(String family) {
    return switch (family) {
      case "crash" -> "acknowledged operations lost";
      case "save" -> "person's edits lost";
      case "path" -> "escapes";
      case "bomb" -> "unbounded (time, memory or output)";
      default -> "inputs without a path:line message";
    };
  }

  String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| family | attack | trials | failed | goal figure | worst time | worst heap | goal |\n");
    sb.append("|---|---|---:|---:|---|---:|---:|---|\n");
    for (Row r : rows) {
      sb.append("| ")
          .append(r.family())
          .append(" | ")
          .append(r.name().replace("|", "\\|"))
          .append(" | ")
          .append(r.trials())
          .append(" | ")
          .append(r.failures())
          .append(" | ")
          .append(r.lost())
          .append(' ')
          .append(lostMeans(r.family()))
          .append(" | ")
          .append(r.worstMillis() < 0 ? "" : r.worstMillis() + " ms")
          .append(" | ")
          .append(r.worstMib() < 0 ? "" : r.worstMib() + " MiB")
          .append(" | ")
          .append(r.goalMet() ? "met" : "**MISSED**")
          .append(" |\n");
    }
    return sb.toString();
  }

  String failures() {
    StringBuilder sb = new StringBuilder();
    for (Row r : rows) {
      for (String e : r.examples()) {
        sb.append("- ").append(r.family()).append(" / ").append(r.name()).append(": `");
        sb.append(e.replace("`", "'")).append("`\n");
      }
    }
    return sb.length() == 0 ? "" : "\nFirst failures of each row:\n\n" + sb;
  }

  /** Where the generated figures start and end in RELIABILITY.md; the rest is kept as written. */
  static final String BEGIN =
      "<!-- campaign figures: begin (written by ReliabilityCampaign --write) -->";

  static final String END = "<!-- campaign figures: end -->";

  /**
   * Replaces the figures between {@link #BEGIN} and {@link #END} in {@code file}, keeping every
   * other line (the defect list, other runs' sections); a file without the markers gets them
   * appended.
   */
  void write(Path file) throws IOException {
    String figures = BEGIN + "\n\n" + figures() + "\n" + END;
    String old = Files.exists(file) ? Files.readString(file) : "";
    int b = old.indexOf(BEGIN);
    int e = old.indexOf(END);
    String updated;
    if (b >= 0 && e > b) {
      updated = old.substring(0, b) + figures + old.substring(e + END.length());
    } else {
      updated = old + (old.isEmpty() || old.endsWith("\n") ? "" : "\n") + figures + "\n";
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, updated);
  }

  private String figures() {
    StringBuilder sb = new StringBuilder();
    sb.append("- run: ")
        .append(plan.full() ? "full" : "quick")
        .append(", seed ")
        .append(plan.seed())
        .append(", ")
        .append(started.truncatedTo(ChronoUnit.SECONDS))
        .append(", ")
        .append(seconds)
        .append(" s, ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, Java ")
        .append(System.getProperty("java.version"))
        .append(", bomb limit ")
        .append(plan.bombMillis() / 1000)
        .append(" s\n");
    sb.append("- command: `").append(command).append("`\n");
    sb.append("- result: ")
        .append(goalsMet() ? "every goal met" : missed() + " row(s) missed their goal")
        .append("\n\n");
    sb.append(table());
    sb.append(failures());
    return sb.toString();
  }
}
