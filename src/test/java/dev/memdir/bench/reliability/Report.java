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

  void write(Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Reliability campaign (issue #11)\n\n");
    sb.append(
        "One command attacks the real product code through its public API, tools and CLI: child"
            + " JVMs SIGKILLed at random points (during memory edits, archival adds, history"
            + " appends, `send` against the scripted LLM server, and reindex), a simulated editor"
            + " saving with every save pattern while the agent edits, the hostile-path corpus and a"
            + " symlink-swap race, bombs (each in a child JVM with `-Xmx512m` and a wall-clock"
            + " limit of "
            + plan.bombMillis() / 1000
            + " s), and malformed hand edits. Code:"
            + " `src/test/java/dev/memdir/bench/reliability/`.\n\n");
    sb.append("Goals: 0 acknowledged operations lost, 0 person's edits lost under any save")
        .append(" pattern, 0 escapes, every bomb bounded in time and memory, every malformed")
        .append(
            " input a `path:line` message. The command exits 1 when a row misses its goal.\n\n");
    sb.append("## Figures\n\n");
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
        .append("\n");
    sb.append("- command: `").append(command).append("`\n");
    sb.append("- result: ")
        .append(goalsMet() ? "every goal met" : missed() + " row(s) missed their goal")
        .append("\n\n");
    sb.append(table());
    sb.append(failures());
    sb.append("\n## Runs\n\n");
    sb.append(
        "- quick (in `.ci/run`, under 2 minutes on 2 cores): 3 kills per kind (15), 20 saves per"
            + " pattern (100), a 3 s swap race, every bomb, every malformed input.\n");
    sb.append(
        "- full (the long run, by hand): `./mvnw -q test-compile exec:java"
            + " -Dexec.mainClass=dev.memdir.bench.reliability.ReliabilityCampaign"
            + " -Dexec.args=\"--seed 11 --full --write benchmarks/RELIABILITY.md\"`: 48 kills per"
            + " kind (240), 120 saves per pattern (600), a 30 s swap race, a 64 MB line, 60 s bomb"
            + " limit; about 20 minutes (the 240 kills alone took 12 on 2 busy cores).\n");
    sb.append(
        "- a failed run keeps its agents (the path is printed) and the first failures of each"
            + " row; children's stderr is in `children.err` there. Rerun with the same seed.\n");
    sb.append("\n## The defects of issue #11\n\n");
    sb.append(
        "One line each: what it was, the campaign row that measures it, and the unit test that"
            + " pins it (filled in by the lead after the fixers' branches merge).\n\n");
    for (String d : DEFECTS) {
      sb.append(d).append("\n");
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, sb.toString());
  }

  static final List<String> DEFECTS =
      List.of(
          "1. Regex bombs: nested counted repetition in `grep_files` ran without bound."
              + " Rows: bomb / regex. Test: TBD",
          "2. Lost saves: an agent edit overwrote a person's save (truncate then write after a"
              + " gap, a descriptor held across the edit). Rows: save / *. Test: TBD",
          "3. Crash debris: a SIGKILL inside an edit left temp/aside files that `git add -A`"
              + " stages. Rows: crash / *. Test: TBD",
          "4. Escapes: symlinks (and their swap race), `..`, absolute paths, hard links, files/"
              + " itself a link reached outside `files/`. Rows: path / *. Test: TBD",
          "5. Symlinks in memory/ and archival/ read or wrote outside the agent. Row: path /"
              + " hostile-path corpus. Test: TBD",
          "6. Caps: huge (sparse) files and very long lines read whole. Rows: bomb / sparse,"
              + " long line. Test: TBD",
          "7. Index lock wait: a search waited forever while another process held the index"
              + " lock mid-rebuild. Row: bomb / index lock. Test: TBD",
          "8. agent.yaml typos: a typo stopped every command, or gave no line. Row: malformed."
              + " Test: TBD",
          "9. Front matter: broken YAML, wrong types, `limit: 05000`, invalid UTF-8, BOM/CRLF"
              + " without `path:line`, or read wrong. Row: malformed. Test: TBD",
          "10. History validation: non-string content, torn JSONL lines. Row: malformed."
              + " Test: TBD",
          "11. Acknowledged operations lost or validate failing after a SIGKILL (send, reindex,"
              + " appends, over-cap facts). Rows: crash / *, malformed. Test: TBD");
}
