package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code show}, {@code context} and the prompt's metadata count the history the same way. */
class CountsAgreeTest {
  @TempDir Path tmp;

  @Test
  void showContextAndThePromptGiveTheSameCountsAndACorruptLineIsNoRecord() throws Exception {
    String d = tmp.resolve("ada").toString();
    assertThat(CliTest.run("init", d, "--model", "anthropic/x").code()).isZero();
    for (String role : new String[] {"user", "assistant", "event", "user"}) {
      CliTest.Result r = CliTest.run("history", "append", d, "--role", role, role + " says hi");
      assertThat(r.code()).as(r.err()).isZero();
    }
    Path segment;
    try (var s = Files.list(tmp.resolve("ada/history"))) {
      segment = s.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    Files.writeString(segment, "{\"broken\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    assertThat(CliTest.run("show", d).out()).contains("history records: 4\n");
    CliTest.Result context = CliTest.run("context", d);
    assertThat(context.code()).as(context.err()).isZero();
    assertThat(context.out())
        .contains("3 of 4 history records in the window")
        .contains("  messages (3) ")
        .contains("- 4 records are stored in your history (recall memory); 3 of them are in");
  }
}
