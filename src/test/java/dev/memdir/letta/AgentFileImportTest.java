package dev.memdir.letta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.Agent;
import dev.memdir.format.AgentConfig;
import dev.memdir.format.Problem;
import dev.memdir.history.Record;
import dev.memdir.memory.Block;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentFileImportTest {
  @TempDir Path tmp;

  private ImportReport importWren(Path dir) {
    return AgentFileImport.importFile(Fixtures.copy("wren.af", tmp.resolve("in")), dir);
  }

  private static List<String> items(ImportReport r) {
    return r.items().stream().map(ImportReport.Item::toString).toList();
  }

  @Test
  void settingsSystemPromptAndToolRulesMapToAgentYamlAndSystemMd() throws Exception {
    Path dir = tmp.resolve("wren");
    importWren(dir);
    try (Agent agent = Agent.open(dir)) {
      AgentConfig c = agent.config();
      assertThat(agent.configProblems()).isEmpty();
      assertThat(c.name()).isEqualTo("Wren");
      assertThat(c.description()).isEqualTo("A birdwatching companion (test fixture).");
      assertThat(c.model()).isEqualTo("anthropic/claude-sonnet-4-5");
      assertThat(c.baseUrl()).isEmpty();
      assertThat(c.contextWindow()).isEqualTo(64000);
      assertThat(c.tools())
          .containsExactly(
              "memory_insert", "conversation_search", "open_files", "close_files", "send_message");
      assertThat(c.toolRules().exitLoop()).containsExactly("send_message");
      assertThat(agent.systemPrompt())
          .isEqualTo(
              "You are Wren, a patient birding companion.\nKeep field notes in your memory"
                  + " blocks.\n");
    }
  }

  @Test
  void blocksKeepPathLabelsLimitsDescriptionsReadOnlyAndMetadata() throws Exception {
    Path dir = tmp.resolve("wren");
    importWren(dir);
    try (Agent agent = Agent.open(dir)) {
      assertThat(agent.memory().labels())
          .containsExactly(
              "reference/checklist",
              "system/human/profile",
              "system/human/sightings",
              "system/persona/soul");
      Block soul = agent.memory().get("system/persona/soul");
      assertThat(soul.limit()).isEqualTo(2000);
      assertThat(soul.description()).isEqualTo("Who I am.");
      assertThat(soul.value()).startsWith("I am Wren,").contains("\nI keep a tidy log");
      Block checklist = agent.memory().get("reference/checklist");
      assertThat(checklist.readOnly()).isTrue();
      assertThat(checklist.chars()).isEqualTo(475);
      assertThat(checklist.limit()).isEqualTo(200);
      assertThat(agent.memory().get("system/human/profile").metadata().get("source").asText())
          .isEqualTo("onboarding");
    }
    assertThat(dir.resolve("memory/system/persona/soul.md")).isRegularFile();
  }

  @Test
  void anOversizeBlockIsKeptWholeReportedAndFlaggedByValidate() {
    Path dir = tmp.resolve("wren");
    ImportReport r = importWren(dir);
    assertThat(items(r))
        .contains(
            "blocks[2]: block 'reference/checklist' holds 475 chars, over its limit of 200; kept"
                + " whole: memdir validate reports it and agent edits are refused until it is"
                + " shortened or its limit raised");
    assertThat(Agent.validate(dir).errors())
        .extracting(Problem::toString)
        .containsExactly(
            "memory/reference/checklist.md: value is 475 / 200 chars, over its limit; agent edits"
                + " that keep it over the limit are refused until it is shortened or the limit"
                + " raised");
  }

  @Test
  void messagesGoToHistoryWithRolesToolCallsAndTimes() {
    Path dir = tmp.resolve("wren");
    importWren(dir);
    try (Agent agent = Agent.open(dir)) {
      List<Record> rs = agent.history().stream().toList();
      assertThat(rs)
          .extracting(Record::role)
          .containsExactly("user", "assistant", "tool", "assistant", "tool");
      assertThat(rs.get(0).content()).isEqualTo("I saw a hoopoe near the river this morning!");
      assertThat(rs.get(0).ts()).isEqualTo(Instant.parse("2026-03-01T08:01:10.123Z"));
      JsonNode call = rs.get(1).toolCalls().orElseThrow().get(0);
      assertThat(call.path("function").path("name").asText()).isEqualTo("memory_insert");
      assertThat(
              rs.get(1)
                  .field("letta")
                  .orElseThrow()
                  .path("content")
                  .get(0)
                  .path("reasoning")
                  .asText())
          .isEqualTo("The user saw a hoopoe; note it.");
      assertThat(rs.get(2).toolCallId()).contains("toolu_01");
      assertThat(rs.get(2).name()).contains("memory_insert");
      assertThat(rs.get(2).field("letta").orElseThrow().has("tool_returns")).isFalse();
      assertThat(rs.get(2).field("letta").orElseThrow().path("model").asText())
          .isEqualTo("claude-sonnet-4-5");
      assertThat(rs.get(4).field("is_error").orElseThrow().asBoolean()).isTrue();
      assertThat(rs.get(4).field("letta").orElseThrow().path("mood").asText()).isEqualTo("curious");
    }
  }

  @Test
  void sourceFilesAndSkillsGoToFiles() throws Exception {
    Path dir = tmp.resolve("wren");
    importWren(dir);
    assertThat(Files.readString(dir.resolve("files/field guides/trip-notes/lisbon.md")))
        .isEqualTo("# Lisbon trip\n\nTagus estuary: flamingos, avocets.\n");
    assertThat(Files.readString(dir.resolve("files/skills/identify-call/SKILL.md")))
        .startsWith("---\nname: identify-call\n");
    assertThat(Files.readString(dir.resolve("files/skills/identify-call/refs/calls.txt")))
        .isEqualTo("hoopoe: oop-oop-oop\n");
  }

  @Test
  void everythingNotMappedIsInTheReportPrintedAndWritten() throws Exception {
    Path dir = tmp.resolve("wren");
    ImportReport r = importWren(dir);
    assertThat(items(r))
        .contains(
            "agents[0].favorite_bird: unknown field; not mapped",
            "agents[0].tool_rules[0].prompt_template: not mapped (memdir words its own rule"
                + " prompts)",
            "agents[0].tool_rules[1]: continue_loop rule on 'lookup_species': memdir has no such"
                + " rule; not mapped",
            "agents[0].tool_rules[2]: max_count_per_step rule on 'conversation_search': memdir has"
                + " no such rule; not mapped",
            "tools[3]: tool 'lookup_species' (custom, with source code): memdir has no such tool;"
                + " not mapped",
            "mcp_servers[0]: MCP server 'birdnet': not mapped (memdir does not connect to MCP"
                + " servers from agent.yaml)",
            "agents[0].messages[5].mood: unknown field; kept in the history record under 'letta'",
            "files[1]: file 'empty.pdf' has no content in the agent file; not imported",
            "agents[0].files_agents[0]: 'trip-notes/lisbon.md' was open: not mapped (its copy is"
                + " under files/; open it again with memdir open)",
            "blocks[3]: block 'system/human/profile': not mapped: template_name (human)")
        .anyMatch(s -> s.startsWith("agents[0].messages[0]: the compiled system prompt"))
        .anyMatch(
            s ->
                s.startsWith("agents[0].llm_config: not mapped: ")
                    && s.contains("temperature (0.5)"))
        .anyMatch(
            s ->
                s.startsWith("agents[0]: not mapped: ")
                    && s.contains("secrets (keys: EBIRD_TOKEN)")
                    && s.contains("timezone (Europe/Lisbon)"));
    assertThat(Files.readString(dir.resolve(ImportReport.FILE)))
        .startsWith("# Import report\n")
        .contains("- agents[0].favorite_bird: unknown field; not mapped\n");
  }

  @Test
  void aFileEncodedTwiceIsDecodedAndSaysSo() {
    Path dir = tmp.resolve("pip");
    ImportReport r =
        AgentFileImport.importFile(Fixtures.copy("double-encoded.af", tmp.resolve("in")), dir);
    assertThat(items(r))
        .contains("the file is JSON encoded 2 times (a string holding JSON); decoded");
    try (Agent agent = Agent.open(dir)) {
      assertThat(agent.memory().get("human").value()).isEqualTo("Likes puzzles.");
      assertThat(agent.config().model()).isEqualTo("openai/gpt-4o-mini");
      assertThat(agent.history().stream().map(Record::content)).containsExactly("hello");
    }
  }

  @Test
  void anAgentWithNoNameAndNothingInItIsImportedAndReportedSo() throws Exception {
    Path af = tmp.resolve("in/empty.af");
    Files.createDirectories(af.getParent());
    Files.writeString(af, "{\"agents\": [{}]}");
    Path dir = tmp.resolve("out");
    ImportReport r = AgentFileImport.importFile(af, dir);
    assertThat(items(r))
        .anySatisfy(
            i ->
                assertThat(i)
                    .contains("agents[0]")
                    .contains("no name; the agent was named \"agent\""))
        .anySatisfy(
            i ->
                assertThat(i)
                    .contains(
                        "no memory blocks, messages or system prompt: the agent imported empty"));
    try (Agent agent = Agent.open(dir)) {
      assertThat(agent.config().name()).isEqualTo("agent");
    }
  }

  @Test
  void aBadFieldNamesTheFileAndPathAndWritesNothing() {
    Path af = Fixtures.copy("bad-label.af", tmp.resolve("in"));
    Path dir = tmp.resolve("out");
    assertThatThrownBy(() -> AgentFileImport.importFile(af, dir))
        .isInstanceOf(LettaFormatException.class)
        .hasMessage("bad-label.af: agents[0].memory_blocks[2].label: missing");
    assertThat(dir).doesNotExist();
    assertThat(tmp).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("."));
  }

  @Test
  void syntaxErrorsNameTheLineAndWrongTypesThePath() throws Exception {
    Path bad = tmp.resolve("broken.af");
    Files.writeString(bad, "{\n  \"agents\": [\n    {\"name\": }\n  ]\n}\n");
    assertThatThrownBy(() -> AgentFileImport.importFile(bad, tmp.resolve("x")))
        .hasMessageStartingWith("broken.af:3: not JSON: Unexpected character ('}'");
    String wrongType =
        "{\"agents\":[{\"name\":\"a\",\"memory_blocks\":[{\"label\":\"h\",\"value\":\"v\","
            + "\"limit\":\"big\"}]}]}";
    assertThatThrownBy(
            () ->
                AgentFileImport.importStream(
                    new ByteArrayInputStream(wrongType.getBytes(StandardCharsets.UTF_8)),
                    "t.af",
                    tmp.resolve("y")))
        .hasMessage("t.af: agents[0].memory_blocks[0].limit: must be an integer, got text \"big\"");
    assertThatThrownBy(
            () ->
                AgentFileImport.importBytes(
                    "{\"agents\":[{\"block_ids\":[\"block-9\"]}]}".getBytes(StandardCharsets.UTF_8),
                    "r.af",
                    tmp.resolve("z")))
        .hasMessage("r.af: agents[0].block_ids[0]: no block with id \"block-9\" in 'blocks'");
  }

  @Test
  void aFileWithTwoAgentsGivesTwoDirectoriesAndReportsTheGroup() {
    Path dir = tmp.resolve("pair");
    ImportReport r =
        AgentFileImport.importFile(Fixtures.copy("two-agents.af", tmp.resolve("in")), dir);
    assertThat(r.agents()).containsExactly(dir.resolve("Pip"), dir.resolve("Pip-2"));
    assertThat(dir.resolve("Pip/agent.yaml")).isRegularFile();
    assertThat(dir.resolve("Pip-2/agent.yaml")).isRegularFile();
    assertThat(items(r))
        .contains("groups[0]: group twins: not mapped (memdir has no multi-agent groups)");
  }

  @Test
  void aNonEmptyTargetIsRefused() throws Exception {
    Path dir = tmp.resolve("full");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("keep.txt"), "mine");
    assertThatThrownBy(() -> importWren(dir)).hasMessageContaining("is not empty");
    assertThat(Files.readString(dir.resolve("keep.txt"))).isEqualTo("mine");
  }

  @Test
  void unsafeLabelsAndFileNamesAreMadeSafeAndReported() {
    String af =
        "{\"agents\":[{\"name\":\"a\",\"memory_blocks\":["
            + "{\"label\":\"my notes\",\"value\":\"x\"},"
            + "{\"label\":\"../../etc/passwd\",\"value\":\"y\"}],"
            + "\"source_ids\":[\"s\"]}],"
            + "\"sources\":[{\"id\":\"s\",\"name\":\"docs\"}],"
            + "\"files\":[{\"id\":\"f\",\"source_id\":\"s\",\"file_name\":\"../../evil.txt\","
            + "\"content\":\"no\"}]}";
    Path dir = tmp.resolve("safe");
    ImportReport r = AgentFileImport.importBytes(af.getBytes(StandardCharsets.UTF_8), "u.af", dir);
    assertThat(items(r))
        .contains(
            "agents[0].memory_blocks[0].label: label 'my notes' is not a memdir label; stored as"
                + " 'my_notes'",
            "agents[0].memory_blocks[1].label: label '../../etc/passwd' is not a memdir label;"
                + " stored as 'etc/passwd'",
            "files[0].file_name: \"../../evil.txt\" leaves its folder; not imported");
    assertThat(dir.resolve("memory/etc/passwd.md")).isRegularFile();
    assertThat(tmp.resolve("evil.txt")).doesNotExist();
  }

  @Test
  void messagesKeepTheFilesOrderWhenTheirTimesAreNotSorted() {
    String af =
        "{\"agents\":[{\"name\":\"a\",\"messages\":["
            + "{\"role\":\"user\",\"content\":\"first\",\"created_at\":\"2025-08-10T17:26:17.755+00:00\"},"
            + "{\"role\":\"user\",\"content\":\"second\",\"created_at\":\"2025-08-10T17:26:16.734+00:00\"},"
            + "{\"role\":\"assistant\",\"content\":\"third\",\"created_at\":\"2025-09-01T00:00:00Z\"}"
            + "]}]}";
    Path dir = tmp.resolve("order");
    AgentFileImport.importBytes(af.getBytes(StandardCharsets.UTF_8), "o.af", dir);
    try (Agent agent = Agent.open(dir)) {
      assertThat(agent.history().stream().map(Record::content))
          .containsExactly("first", "second", "third");
    }
    assertThat(Agent.validate(dir).errors()).isEmpty();
  }
}
