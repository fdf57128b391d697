package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.cli.CliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NestedLabelCommandsTest {
  @TempDir Path tmp;

  private static Result ok(String... args) {
    Result r = CliTest.run(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isZero();
    return r;
  }

  @Test
  void theMemoryCommandsTakeAPathLabel() throws Exception {
    String dir = tmp.resolve("ada").toString();
    ok("init", dir);
    ok("memory", "create", dir, "system/human", "--description", "The user.", "--value", "Ada");
    ok("memory", "append", dir, "system/human", "Likes tea.");
    assertThat(Files.readString(tmp.resolve("ada/memory/system/human.md")))
        .isEqualTo("---\ndescription: The user.\nlimit: 5000\n---\nAda\nLikes tea.\n");
    assertThat(ok("memory", dir, "system/human").out()).isEqualTo("Ada\nLikes tea.\n");
    assertThat(ok("memory", dir).out()).contains("system/human");
    assertThat(CliTest.run("memory", "set", dir, "../agent", "x").err())
        .contains("invalid block label \"../agent\"");
    ok("validate", dir);
  }

  @Test
  void contextShowsSystemBlocksInFullAndListsTheOthers() {
    String dir = tmp.resolve("ada").toString();
    ok("init", dir);
    ok("memory", "create", dir, "system/human", "--description", "The user.", "--value", "Ada");
    ok("memory", "create", dir, "reference/api", "--description", "API notes.", "--value", "v2");
    String out = ok("context", dir).out();
    assertThat(out).contains("<system/human>").contains("Ada\n</value>\n</system/human>");
    assertThat(out)
        .contains("<other_memory_blocks>")
        .contains("- reference/api: API notes. (2 / 5000 chars)")
        .doesNotContain("<reference/api>");
  }

  @Test
  void anAutocommitNamesTheNestedBlock() throws Exception {
    Path dir = tmp.resolve("ada");
    ok("init", dir.toString(), "--git");
    ok("memory", "create", dir.toString(), "system/human", "--value", "Ada");
    ok("memory", "append", dir.toString(), "system/human", "Likes tea.");
    try (Git g = Git.open(dir.toFile())) {
      List<String> subjects = new java.util.ArrayList<>();
      for (RevCommit c : g.log().call()) {
        subjects.add(c.getShortMessage());
      }
      assertThat(subjects.get(0)).startsWith("memory: system/human +1 line");
    }
    assertThat(Files.readString(dir.resolve(".gitattributes")))
        .contains("memory/**/*.md merge=memdir\n");
    Result log = ok("log", dir.toString(), "--block", "system/human");
    assertThat(log.out()).contains("system/human +1 line").doesNotContain("init: agent");
  }
}
