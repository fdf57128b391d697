package dev.memdir.letta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.history.Message;
import dev.memdir.memory.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentFileExportTest {
  @TempDir Path tmp;

  /** The fields AgentFileSchema requires (letta/schemas/agent_file.py), type by type. */
  private static void assertLettaShape(JsonNode af) {
    for (String key :
        List.of("agents", "groups", "blocks", "files", "sources", "tools", "mcp_servers")) {
      assertThat(af.path(key).isArray()).as(key).isTrue();
    }
    Set<String> blockIds = ids(af.path("blocks"), "label", "value");
    Set<String> toolIds = ids(af.path("tools"), "name", "json_schema");
    Set<String> sourceIds = ids(af.path("sources"), "name");
    ids(af.path("files"), "source_id", "file_name");
    for (JsonNode a : af.path("agents")) {
      assertThat(a.path("id").asText()).startsWith("agent-");
      assertThat(a.path("name").isTextual()).isTrue();
      assertThat(a.path("system").isTextual()).isTrue();
      assertThat(a.path("llm_config").path("model").isTextual()).isTrue();
      assertThat(a.path("llm_config").path("model_endpoint_type").isTextual()).isTrue();
      assertThat(a.path("llm_config").path("context_window").isInt()).isTrue();
      a.path("block_ids").forEach(id -> assertThat(blockIds).contains(id.asText()));
      a.path("tool_ids").forEach(id -> assertThat(toolIds).contains(id.asText()));
      a.path("source_ids").forEach(id -> assertThat(sourceIds).contains(id.asText()));
      Set<String> messageIds = new HashSet<>();
      for (JsonNode m : a.path("messages")) {
        assertThat(m.path("id").asText()).startsWith("message-");
        assertThat(messageIds.add(m.path("id").asText())).isTrue();
        assertThat(m.path("role").asText()).isIn("system", "user", "assistant", "tool");
        assertThat(m.path("content").isArray()).isTrue();
        assertThat(m.path("created_at").isTextual()).isTrue();
      }
      a.path("in_context_message_ids").forEach(id -> assertThat(messageIds).contains(id.asText()));
      for (JsonNode r : a.path("tool_rules")) {
        assertThat(r.path("tool_name").isTextual()).isTrue();
        assertThat(r.path("type").asText()).isIn("run_first", "exit_loop", "required_before_exit");
      }
    }
  }

  private static Set<String> ids(JsonNode list, String... required) {
    Set<String> out = new HashSet<>();
    for (JsonNode n : list) {
      assertThat(out.add(n.path("id").asText())).as("unique id " + n.path("id")).isTrue();
      for (String r : required) {
        assertThat(n.has(r)).as(n.path("id") + " has " + r).isTrue();
      }
    }
    return out;
  }

  @Test
  void importExportImportGivesTheSameAgent() throws Exception {
    Path one = tmp.resolve("one");
    AgentFileImport.importFile(Fixtures.copy("wren.af", tmp.resolve("in")), one);
    Path af = tmp.resolve("wren2.af");
    AgentFileExport.writeFile(one, af);
    assertLettaShape(AfReader.JSON.readTree(af.toFile()));
    Path two = tmp.resolve("two");
    AgentFileImport.importFile(af, two);
    assertThat(Fixtures.tree(two)).isEqualTo(Fixtures.tree(one));
  }

  @Test
  void aMemdirAgentSurvivesExportAndImport() throws Exception {
    Path one = tmp.resolve("ada");
    try (Agent agent = Agent.init(one, InitOptions.defaults())) {
      agent.memory().create("system/human/family", "Family.", 400, "A sister, Mia.");
      agent.memory().append(Actor.PERSON, "human", "Name: Ada.");
      agent.history().append(Message.user("Hello"));
      agent.history().append(Message.assistant("Hi Ada."));
      agent.history().append(Message.summary("Ada said hello.", "a", "b"));
      agent.history().append(Message.event("turn failed"));
    }
    Files.createDirectories(one.resolve("files/notes"));
    Files.writeString(one.resolve("files/notes/tea.md"), "Green tea.\n");
    Files.writeString(one.resolve("files/top.txt"), "top\n");
    Files.createDirectories(one.resolve("files/skills/brew"));
    Files.writeString(one.resolve("files/skills/brew/SKILL.md"), "---\nname: brew\n---\nBrew.\n");
    byte[] bytes = AgentFileExport.export(one);
    JsonNode json = AfReader.JSON.readTree(bytes);
    assertLettaShape(json);
    assertThat(json.path("skills").get(0).path("name").asText()).isEqualTo("brew");
    Path two = tmp.resolve("back/ada");
    AgentFileImport.importBytes(bytes, "ada.af", two);
    assertThat(Fixtures.tree(two).keySet())
        .contains(
            "files/notes/tea.md",
            "files/top.txt",
            "files/skills/brew/SKILL.md",
            "memory/system/human/family.md");
    // init writes agent.yaml with comments; the settings must be equal, not the text.
    try (Agent a = Agent.open(one);
        Agent b = Agent.open(two)) {
      assertThat(b.config()).isEqualTo(a.config());
    }
    java.util.Map<String, String> expected = new java.util.TreeMap<>(Fixtures.tree(one));
    expected.remove("agent.yaml");
    expected.replaceAll((k, v) -> v.replaceAll(",\"covers\":\\{[^}]*\\}", ""));
    java.util.Map<String, String> actual = new java.util.TreeMap<>(Fixtures.tree(two));
    actual.remove("agent.yaml");
    assertThat(actual).isEqualTo(expected);
  }
}
