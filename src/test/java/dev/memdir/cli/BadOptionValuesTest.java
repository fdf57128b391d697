package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad option value is a usage error (exit 2) whose message names the option and value. */
class BadOptionValuesTest {
  @TempDir Path tmp;

  /** A command line with one bad value, the option it belongs to and the value. */
  record Case(String option, String value, List<String> args) {}

  private static Case bad(String option, String value, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.add(option);
    args.add(value);
    return new Case(option, value, args);
  }

  @Test
  void everyBadOptionValueIsAUsageErrorNamingOptionAndValue() {
    String dir = tmp.resolve("ada").toString();
    assertThat(CliTest.run("init", dir, "--name", "ada", "--model", "anthropic/x").code()).isZero();
    List<Case> cases =
        List.of(
            bad("--tail", "-1", "history", dir),
            bad("--limit", "0", "history", "search", dir, "tea"),
            bad("--limit", "-3", "history", "search", dir, "tea"),
            bad("--start", "yesterday", "history", "search", dir, "tea"),
            bad("--end", "soon", "history", "search", dir, "tea"),
            bad("--ts", "yesterday", "history", "append", dir, "hi", "--role", "user"),
            bad("--wait", "-1", "history", "append", dir, "hi", "--role", "user"),
            bad("--top-k", "0", "archival", "search", dir, "tea"),
            bad("--tag-match", "some", "archival", "search", dir, "tea"),
            bad("--start", "yesterday", "archival", "search", dir, "tea"),
            bad("--end", "soon", "archival", "search", dir, "tea"),
            bad("--wait", "-5", "archival", "add", dir, "tea"),
            bad("--limit", "0", "search", dir, "tea"),
            bad("--context", "-1", "grep", dir, "tea"),
            bad("--offset", "-1", "grep", dir, "tea"),
            bad("--offset", "0", "open", dir, "a.md"),
            bad("--length", "0", "open", dir, "a.md"),
            bad("--limit", "0", "log", dir),
            bad("--limit", "0", "memory", "create", dir, "notes"),
            bad("--line", "-2", "memory", "insert", dir, "human", "x"),
            bad("--wait", "99999999", "memory", "append", dir, "human", "x"),
            bad("--on-conflict", "maybe", "sync", dir),
            bad("--model", "gpt", "send", dir, "hi"),
            bad("--model", "gpt", "context", dir),
            bad("--parallel", "0", "bench", "locomo"),
            bad("--judge-runs", "0", "bench", "locomo"),
            bad("--limit", "-1", "bench", "locomo"),
            bad("--layout", "disk", "bench", "locomo"),
            bad("--mode", "fast", "bench", "locomo"),
            bad("--judge-prompt", "kind", "bench", "locomo"),
            bad("--k1", "-1", "bench", "locomo"),
            bad("--b", "2", "bench", "locomo"),
            bad("--window", "-1", "bench", "locomo"),
            bad("--neighbours", "-1", "bench", "locomo"),
            bad("--neighbour-weight", "-0.5", "bench", "locomo"),
            bad("--speaker-boost", "-1", "bench", "locomo"),
            bad("--speaker-gate", "-1", "bench", "locomo"),
            // In the option's own range but not the setting's: still a usage error.
            bad("--neighbour-weight", "2", "bench", "locomo"),
            bad("--reply-weight", "1.5", "bench", "locomo"),
            bad("--reply-weight", "-1", "bench", "locomo"),
            bad("--question-weight", "1.5", "bench", "locomo"),
            bad("--speaker-boost", "0.5", "bench", "locomo"),
            bad("--hypernym-weight", "7", "bench", "locomo"),
            bad("--hypernym-weight", "-1", "bench", "locomo"));
    SoftAssertions soft = new SoftAssertions();
    for (Case c : cases) {
      CliTest.Result r = CliTest.run(c.args().toArray(String[]::new));
      String line = String.join(" ", c.args());
      soft.assertThat(r.code()).as(line + "\n" + r.err()).isEqualTo(2);
      soft.assertThat(r.err()).as(line).contains(c.option()).contains(c.value());
    }
    soft.assertAll();
  }
}
