package dev.memdir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.format.AgentConfig;
import dev.memdir.format.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTest {
  @TempDir Path dir;

  @Test
  void initCreatesTheStandardLayoutAndIsValid() throws Exception {
    Path a = dir.resolve("ada");
    try (Agent agent =
        Agent.init(
            a,
            new InitOptions(
                Optional.empty(),
                Optional.of("I help."),
                Optional.of("Ada."),
                "ollama/qwen2.5:7b"))) {
      assertThat(agent.config().name()).isEqualTo("ada");
      assertThat(agent.config().model()).isEqualTo("ollama/qwen2.5:7b");
      assertThat(agent.memory().get("persona").value()).isEqualTo("I help.");
      assertThat(agent.memory().get("human").value()).isEqualTo("Ada.");
      assertThat(agent.validate().errors()).isEmpty();
      assertThat(agent.validate().warnings()).isEmpty();
    }
    try (Stream<Path> s = Files.list(a)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "agent.yaml", "system.md", "memory", "archival", "files", "history", ".gitignore");
    }
    assertThat(Files.readString(a.resolve(".gitignore"))).isEqualTo(".memdir/\n");
  }

  @Test
  void initRefusesAnExistingAgentAndABadModel() {
    TestAgents.create(dir.resolve("a"));
    assertThatThrownBy(() -> TestAgents.create(dir.resolve("a")))
        .hasMessage("already an agent directory: " + dir.resolve("a") + " has an agent.yaml");
    assertThatThrownBy(
            () ->
                Agent.init(
                    dir.resolve("b"),
                    new InitOptions(Optional.empty(), Optional.empty(), Optional.empty(), "gpt4")))
        .hasMessage(
            "--model: 'model' must be provider/name, for example openai/gpt-4o-mini, got \"gpt4\"");
    assertThat(dir.resolve("b/agent.yaml")).doesNotExist();
  }

  @Test
  void aDirectoryThatIsNotAnAgentIsNamed() throws Exception {
    Files.createDirectories(dir.resolve("plain"));
    assertThatThrownBy(() -> Agent.open(dir.resolve("plain")))
        .isInstanceOf(MemdirException.class)
        .hasMessageStartingWith(
            "not an agent directory: " + dir.resolve("plain") + " has no agent.yaml");
    assertThatThrownBy(() -> Agent.open(dir.resolve("missing")))
        .hasMessageStartingWith(
            "not an agent directory: " + dir.resolve("missing") + " does not exist");
  }

  @Test
  void aWrongTypeInAgentYamlStopsOnlyWhatNeedsItAndValidateReportsEverything() throws Exception {
    Path a = dir.resolve("a");
    TestAgents.create(a).close();
    Files.writeString(a.resolve("agent.yaml"), "name: a\nmax_steps: lots\n");
    Files.writeString(a.resolve("memory/human.md"), "---\nlimit: 0\n---\nx\n");
    try (Agent agent = Agent.open(a)) {
      assertThat(agent.configProblems())
          .extracting(Problem::toString)
          .containsExactly("agent.yaml:2: 'max_steps' must be a positive integer, got \"lots\"");
      assertThat(agent.config().maxSteps()).isEqualTo(AgentConfig.DEFAULT_MAX_STEPS);
      assertThat(agent.archival().list().facts()).isEmpty();
      agent.requireConfig("search", "model");
      assertThatThrownBy(() -> agent.send("Hi"))
          .isInstanceOf(ConfigException.class)
          .hasMessage("agent.yaml:2: 'max_steps' must be a positive integer, got \"lots\"");
      assertThatThrownBy(agent::context).isInstanceOf(ConfigException.class);
    }
    Validation v = Agent.validate(a);
    assertThat(v.errors())
        .extracting(Problem::toString)
        .containsExactly(
            "agent.yaml:2: 'max_steps' must be a positive integer, got \"lots\"",
            "memory/human.md:2: 'limit' must be a positive integer, got 0");
  }

  @Test
  void missingStandardFoldersMeanEmpty() throws Exception {
    Path a = dir.resolve("a");
    Files.createDirectories(a);
    Files.writeString(a.resolve("agent.yaml"), "name: bare\n");
    try (Agent agent = Agent.open(a)) {
      assertThat(agent.memory().load().blocks()).isEmpty();
      assertThat(agent.archival().list().facts()).isEmpty();
      assertThat(agent.fileCount()).isZero();
      assertThat(agent.messageCount()).isZero();
      assertThat(agent.validate().errors()).isEmpty();
      assertThat(agent.validate().warnings())
          .extracting(Problem::toString)
          .containsExactly(
              "system.md: missing; the agent runs without a system prompt",
              ".gitignore: does not ignore .memdir/; add the line .memdir/ so derived state stays out of git");
    }
  }

  @Test
  void aFileWhereAFolderShouldBeIsAnError() throws Exception {
    Path a = dir.resolve("a");
    TestAgents.create(a).close();
    Files.delete(a.resolve("files"));
    Files.writeString(a.resolve("files"), "oops");
    assertThat(Agent.validate(a).errors())
        .extracting(Problem::toString)
        .containsExactly("files: is a file, expected a folder");
  }

  @Test
  void linksInTheAgentDirectoryAreReportedAndNeverFollowed() throws Exception {
    Path a = dir.resolve("a");
    TestAgents.create(a).close();
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("x.md"), "---\nlimit: 100\n---\nsecret\n");
    Files.createSymbolicLink(a.resolve("memory/stolen.md"), outside.resolve("x.md"));
    Files.createSymbolicLink(a.resolve("archival/2026-01-01-x-abcdef.md"), outside.resolve("x.md"));
    Files.delete(a.resolve("files"));
    Files.createSymbolicLink(a.resolve("files"), outside);
    String link =
        ": is a symbolic link; links are not followed, so nothing outside the agent directory is"
            + " read; put the file itself here";
    assertThat(Agent.validate(a).errors())
        .extracting(Problem::toString)
        .containsExactlyInAnyOrder(
            "memory/stolen.md" + link + "; ignored",
            "archival/2026-01-01-x-abcdef.md" + link + "; ignored",
            "files" + link + " (a folder)");
    try (Agent agent = Agent.open(a)) {
      assertThat(agent.memory().load().blocks()).noneMatch(b -> b.value().contains("secret"));
      assertThat(agent.archival().list().facts()).isEmpty();
    }
  }
}
