package dev.memdir.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.TestAgents;
import dev.memdir.format.AgentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NestedLabelToolsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Agent agent;
  Toolbox tools;
  SeenBlocks seen = new SeenBlocks();

  @BeforeEach
  void setUp() {
    agent = TestAgents.create(dir);
    agent.memory().create("system/human/family", "Family.", 300, "A sister, Mia.");
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
  void everyMemoryToolEditsABlockByItsPathLabel() throws Exception {
    String label = "\"label\":\"system/human/family\"";
    assertThat(call("memory_insert", "{" + label + ",\"new_str\":\"A dog, Rex.\"}").isError())
        .isFalse();
    assertThat(
            call("memory_replace", "{" + label + ",\"old_str\":\"Rex\",\"new_str\":\"Max\"}")
                .isError())
        .isFalse();
    assertThat(call("core_memory_append", "{" + label + ",\"content\":\"Cousins: 3.\"}").isError())
        .isFalse();
    assertThat(Files.readString(dir.resolve("memory/system/human/family.md")))
        .endsWith("---\nA sister, Mia.\nA dog, Max.\nCousins: 3.\n");
    call("memory_rethink", "{" + label + ",\"new_memory\":\"Rewritten.\"}");
    assertThat(agent.memory().get("system/human/family").value()).isEqualTo("Rewritten.");
  }

  @Test
  void aPathLabelThatLeavesTheMemoryFolderIsAnErrorResultAndWritesNothing() throws Exception {
    for (String bad : new String[] {"system/../../agent", "/tmp/x", "system//family"}) {
      ToolResult r = call("memory_rethink", "{\"label\":\"" + bad + "\",\"new_memory\":\"x\"}");
      assertThat(r.isError()).as(bad).isTrue();
      assertThat(r.content()).as(bad).contains("invalid block label");
    }
    assertThat(dir.resolve("agent.md")).doesNotExist();
    assertThat(Path.of("/tmp/x.md")).doesNotExist();
  }
}
