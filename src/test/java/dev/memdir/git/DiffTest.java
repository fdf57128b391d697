package dev.memdir.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.format.Layout;
import dev.memdir.memory.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memdir diff} with git's meaning: commits, or a commit against the working tree. */
class DiffTest {
  @TempDir Path tmp;

  private static String diff(Path dir, String from, String to) {
    try (AgentRepo r = AgentRepo.open(Layout.of(dir), Clock.systemUTC())) {
      return new Versions(r).diff(Optional.ofNullable(from), Optional.ofNullable(to));
    }
  }

  private static void handEdit(Path dir) throws Exception {
    Path human = dir.resolve("memory/human.md");
    Files.writeString(human, Files.readString(human) + "Written by hand, not committed.\n");
    Files.writeString(dir.resolve("archival/hand-fact.md"), "A fact saved by hand.\n");
    Files.createDirectories(dir.resolve(".memdir"));
    Files.writeString(dir.resolve(".memdir/derived.txt"), "never shown\n");
  }

  @Test
  void withoutARevisionItShowsUncommittedChangesOfTheAgentsFilesAgainstHead() throws Exception {
    Path dir = tmp.resolve("ada");
    Agent.init(dir, InitOptions.defaults()).close();
    AgentRepo.init(Layout.of(dir), Clock.systemUTC()).close();
    assertThat(diff(dir, null, null)).isEmpty();
    handEdit(dir);
    String d = diff(dir, null, null);
    assertThat(d)
        .contains("+++ b/memory/human.md", "+Written by hand, not committed.")
        .contains("+++ b/archival/hand-fact.md", "+A fact saved by hand.")
        .doesNotContain(".memdir");
  }

  @Test
  void aRevisionAloneComparesItWithTheWorkingTreeAndTwoCompareCommitsOnly() throws Exception {
    Path dir = tmp.resolve("ada");
    Agent.init(dir, InitOptions.defaults()).close();
    AgentRepo.init(Layout.of(dir), Clock.systemUTC()).close();
    try (Agent agent = Agent.open(dir)) {
      agent.write(
          "memory append", () -> agent.memory().append(Actor.PERSON, "persona", "Committed."));
    }
    handEdit(dir);
    assertThat(diff(dir, "HEAD~1", null))
        .contains("+Committed.", "+Written by hand, not committed.");
    assertThat(diff(dir, "HEAD~1", "HEAD"))
        .contains("+Committed.")
        .doesNotContain("Written by hand");
    assertThat(diff(dir, "HEAD", null)).doesNotContain("+Committed.").contains("Written by hand");
  }

  @Test
  void anAgentInsideALargerRepositoryShowsOnlyItsOwnChanges() throws Exception {
    Path outer = tmp.resolve("project");
    Files.createDirectories(outer);
    Git.init().setDirectory(outer.toFile()).setInitialBranch("main").call().close();
    Files.writeString(outer.resolve("README"), "project\n");
    Path dir = outer.resolve("agents/ada");
    Agent.init(dir, InitOptions.defaults()).close();
    AgentRepo.init(Layout.of(dir), Clock.systemUTC()).close();
    Files.writeString(outer.resolve("README"), "project, edited\n");
    Files.writeString(outer.resolve("notes.txt"), "not the agent's\n");
    handEdit(dir);
    String d = diff(dir, null, null);
    assertThat(d)
        .contains("+++ b/agents/ada/memory/human.md", "+++ b/agents/ada/archival/hand-fact.md")
        .doesNotContain("README", "notes.txt", ".memdir");
  }
}
