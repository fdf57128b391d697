package dev.memdir.bench.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The campaign's harness runs: a tiny campaign reports a row with trials for every family. Whether
 * the goals are met is the quick run's job in {@code .ci/run}, not this test's: it must not fail
 * verify on a defect the campaign exists to measure.
 */
class ReliabilityCampaignTest {
  @Test
  void aTinyCampaignReportsTrialsForEveryFamilyAndEveryAttack(@TempDir Path work) throws Exception {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    List<Row> rows = ReliabilityCampaign.run(Plan.tiny(seed, work));

    String why = "seed " + seed + " (rerun: -Dtests.seed=" + seed + "): " + rows;
    assertThat(rows).as(why).extracting(Row::family).containsAll(ReliabilityCampaign.FAMILIES);
    assertThat(rows).as(why).noneMatch(r -> r.name().equals("the whole family"));
    assertThat(rows).as(why).allMatch(r -> r.trials() > 0);
    assertThat(rows)
        .as(why)
        .extracting(Row::name)
        .contains(
            "SIGKILL during memory edits",
            "SIGKILL during archival adds",
            "SIGKILL during history appends",
            "SIGKILL during send (scripted LLM)",
            "SIGKILL during reindex",
            "truncate, then write after a 0-60 ms gap",
            "plain in-place write",
            "write a temp file, then rename it over",
            "descriptor held across an agent edit, >> append",
            "descriptor held across an agent edit, r+ overwrite",
            "hostile-path corpus (tools API)",
            "symlink-swap race (tools API)",
            "deep nesting (folders, YAML, JSON)",
            "hand edits: a path:line message from validate");
    String table =
        new Report(rows, Plan.tiny(seed, work), "cmd", java.time.Instant.now(), 1).table();
    assertThat(table.lines().count()).as(why).isEqualTo(rows.size() + 2L);
  }
}
