package dev.memdir.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.TestAgents;
import dev.memdir.format.AgentConfig;
import dev.memdir.memory.Actor;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolboxTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Agent agent;
  Toolbox tools;
  SeenBlocks seen = new SeenBlocks();

  @BeforeEach
  void setUp() {
    agent = TestAgents.create(dir);
    tools = new Toolbox(agent.memory(), agent.archival(), agent.search(), AgentConfig.KNOWN_TOOLS);
  }

  @AfterEach
  void tearDown() {
    agent.close();
  }

  private ToolResult call(String name, String json) throws Exception {
    return tools.call(name, (ObjectNode) JSON.readTree(json), seen);
  }

  @Test
  void everyDefinitionIsAnObjectSchemaWhoseRequiredArgumentsAreDeclared() {
    assertThat(tools.definitions())
        .extracting(ToolDefinition::name)
        .containsExactlyElementsOf(AgentConfig.KNOWN_TOOLS);
    for (ToolDefinition d : tools.all()) {
      ObjectNode p = d.parameters();
      assertThat(p.path("type").asText()).isEqualTo("object");
      Set<String> declared = new HashSet<>(d.argumentNames());
      for (JsonNode r : p.path("required")) {
        assertThat(declared).as(d.name()).contains(r.asText());
      }
      assertThat(d.description()).as(d.name()).isNotBlank();
    }
    assertThat(tools.unavailable()).isEmpty();
  }

  @Test
  void theMemGptAliasesAppendAndReplace() throws Exception {
    assertThat(
            call("core_memory_append", "{\"label\":\"human\",\"content\":\"Likes tea.\"}")
                .isError())
        .isFalse();
    assertThat(
            call(
                    "core_memory_replace",
                    "{\"label\":\"human\",\"old_content\":\"tea\",\"new_content\":\"coffee\"}")
                .content())
        .startsWith("Edited core memory block 'human': it now holds 47 / 5000 chars.");
    assertThat(agent.memory().get("human").value())
        .isEqualTo("Nothing known about the user yet.\nLikes coffee.");
  }

  @Test
  void aToolNotListedInAgentYamlIsNotOffered() throws Exception {
    Toolbox few =
        new Toolbox(
            agent.memory(), agent.archival(), agent.search(), List.of("memory_insert", "fly"));
    assertThat(few.names()).containsExactly("memory_insert");
    assertThat(few.unavailable()).containsExactly("fly");
    assertThat(few.call("memory_rethink", JSON.createObjectNode(), seen).content())
        .isEqualTo(
            "Error: the tool 'memory_rethink' is not offered to you; your tools are:"
                + " memory_insert");
  }

  @Test
  void argumentsAreReadLenientlyWhereTheMeaningIsClearAndUnknownOnesAreNoted() throws Exception {
    ToolResult r =
        call(
            "memory_insert",
            "{\"label\":\"human\",\"new_str\":\"Top line.\",\"insert_line\":\"0\","
                + "\"request_heartbeat\":true,\"mood\":\"happy\"}");
    assertThat(r.isError()).isFalse();
    assertThat(r.content())
        .endsWith(
            "(ignored unknown argument 'mood'; the arguments of memory_insert are: label,"
                + " new_str, insert_line)");
    assertThat(agent.memory().get("human").value()).startsWith("Top line.\n");
    assertThat(
            call("memory_insert", "{\"label\":\"human\",\"new_str\":\"x\",\"insert_line\":-2}")
                .content())
        .isEqualTo("Error: argument 'insert_line' must be from -1 to 2147483647, got -2");
    assertThat(
            call("archival_memory_insert", "{\"content\":\"A fact.\",\"tags\":\"one\"}").content())
        .startsWith("Stored in archival memory as ");
    assertThat(agent.archival().list().facts().get(0).tags()).containsExactly("one");
    assertThat(call("archival_memory_insert", "{\"content\":42}").content())
        .isEqualTo("Error: argument 'content' must be a string, got 42");
  }

  @Test
  void anEditBasedOnTextAPersonChangedSinceIsReappliedOrRefusedButTheModelsOwnEditsAreNot()
      throws Exception {
    seen.saw("human", agent.memory().get("human").valueHash());
    agent.memory().append(Actor.PERSON, "human", "Name: Ada (typed by a person).");
    assertThat(call("memory_rethink", "{\"label\":\"human\",\"new_memory\":\"Empty.\"}").content())
        .startsWith("Error: edit refused: block 'human' changed since the agent read it");
    // An append still applies to the person's text.
    assertThat(call("memory_insert", "{\"label\":\"human\",\"new_str\":\"Likes tea.\"}").isError())
        .isFalse();
    // The model saw its own edit; a rethink after it is not refused.
    assertThat(
            call(
                    "memory_rethink",
                    "{\"label\":\"human\",\"new_memory\":\"Name: Ada (typed by a person). Likes"
                        + " tea.\"}")
                .isError())
        .isFalse();
    assertThat(agent.memory().get("human").value())
        .isEqualTo("Name: Ada (typed by a person). Likes tea.");
  }

  @Test
  void aNearlyFullBlockIsFlaggedInTheResult() throws Exception {
    agent.memory().create("notes", "Scratch.", 100, "");
    ToolResult r =
        call("memory_insert", "{\"label\":\"notes\",\"new_str\":\"" + "n".repeat(95) + "\"}");
    assertThat(r.content())
        .isEqualTo(
            "Edited core memory block 'notes': it now holds 95 / 100 chars. The new text is"
                + " in <memory_blocks> from your next step. It is 95% full: condense it with"
                + " memory_rethink or move details to archival memory before adding more.");
  }

  @Test
  void aReadOnlyBlockIsRefused() throws Exception {
    agent.memory().create("rules", "House rules.", 500, "Be kind.");
    java.nio.file.Files.writeString(
        dir.resolve("memory/rules.md"),
        "---\ndescription: House rules.\nlimit: 500\nread_only: true\n---\nBe kind.\n");
    assertThat(
            call("memory_rethink", "{\"label\":\"rules\",\"new_memory\":\"Be mean.\"}").content())
        .startsWith("Error: block 'rules' is read-only; the agent cannot edit it");
  }

  @Test
  void theSearchToolsFindAndExplainWhatIsWrongWithTheirArguments() throws Exception {
    java.nio.file.Files.writeString(
        dir.resolve("files/trip.md"), "We went to Lisbon in May.\n\nThe food was great.\n");
    assertThat(call("search_files", "{\"query\":\"Lisbon\"}").content())
        .startsWith("trip.md:1 score ")
        .contains("\nWe went to Lisbon in May.\n")
        .endsWith("note: rebuilding the search index: .memdir/index/main is missing");
    assertThat(
            call("archival_memory_search", "{\"query\":\"x\",\"tag_match_mode\":\"some\"}")
                .content())
        .isEqualTo("Error: tag_match_mode must be \"any\" or \"all\", got \"some\"");
    assertThat(
            call("conversation_search", "{\"query\":\"x\",\"start_date\":\"yesterday\"}").content())
        .isEqualTo(
            "Error: start_date must be an ISO-8601 date or time like 2026-11-26 or"
                + " 2026-11-26T08:30:00Z, got \"yesterday\"");
    assertThat(call("conversation_search", "{\"query\":\"x\",\"roles\":[\"robot\"]}").content())
        .startsWith("Error: unknown role 'robot'");
    assertThat(call("close_files", "{\"file_names\":[]}").content())
        .isEqualTo("Error: file_names is empty; name the files to close");
    assertThat(
            call("open_files", "{\"file_requests\":[{\"file_name\":\"/etc/passwd\"}]}").isError())
        .isTrue();
    assertThat(call("grep_files", "{\"pattern\":\"(unclosed\"}").isError()).isTrue();
  }
}
