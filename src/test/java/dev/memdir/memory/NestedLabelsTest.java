package dev.memdir.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.Agent;
import dev.memdir.EditException;
import dev.memdir.TestAgents;
import dev.memdir.format.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NestedLabelsTest {
  @TempDir Path dir;
  Agent agent;
  CoreMemory memory;
  Path mem;

  @BeforeEach
  void setUp() {
    agent = TestAgents.create(dir);
    memory = agent.memory();
    mem = dir.resolve("memory");
  }

  @Test
  void aFileInAFolderIsTheBlockNamedByItsPath() throws Exception {
    Files.createDirectories(mem.resolve("system/human"));
    Files.writeString(
        mem.resolve("system/human/family.md"),
        "---\ndescription: Family.\nlimit: 300\n---\nA sister, Mia.\n",
        StandardCharsets.UTF_8);
    assertThat(memory.labels()).containsExactly("human", "persona", "system/human/family");
    Block b = memory.get("system/human/family");
    assertThat(b.value()).isEqualTo("A sister, Mia.");
    assertThat(b.limit()).isEqualTo(300);
    assertThat(memory.load().blocks())
        .extracting(Block::label)
        .containsExactly("human", "persona", "system/human/family");
    assertThat(memory.load().problems()).isEmpty();
  }

  @Test
  void createMakesTheFoldersAndDeleteRemovesThoseLeftEmpty() throws Exception {
    memory.create("system/project/tooling", "Build tools.", 200, "maven");
    assertThat(Files.readString(mem.resolve("system/project/tooling.md")))
        .isEqualTo("---\ndescription: Build tools.\nlimit: 200\n---\nmaven\n");
    memory.create("system/notes", "", 200, "x");
    memory.delete("system/project/tooling");
    assertThat(mem.resolve("system/project")).doesNotExist();
    assertThat(mem.resolve("system")).isDirectory();
    memory.delete("system/notes");
    assertThat(mem.resolve("system")).doesNotExist();
    assertThat(mem).isDirectory();
  }

  @Test
  void everyEditWorksOnANestedBlock() {
    memory.create("system/human", "The user.", 500, "Name: Ada");
    memory.append(Actor.AGENT, "system/human", "Likes tea.");
    memory.insert(Actor.AGENT, "system/human", "Top line.", 0);
    memory.replace(Actor.AGENT, "system/human", "tea", "green tea");
    assertThat(memory.get("system/human").value())
        .isEqualTo("Top line.\nName: Ada\nLikes green tea.");
    memory.rethink(Actor.AGENT, "system/human", "Rewritten.");
    assertThat(memory.get("system/human").value()).isEqualTo("Rewritten.");
  }

  @Test
  void aMissingNestedBlockIsAnErrorListingTheLabels() {
    memory.create("system/human", "", 500, "x");
    assertThatThrownBy(() -> memory.get("system/persona"))
        .isInstanceOf(EditException.class)
        .hasMessage("no block 'system/persona' (blocks: human, persona, system/human)");
  }

  @Test
  void labelsThatLeaveTheMemoryFolderAreRefusedAndNothingIsWritten() throws Exception {
    for (String bad :
        new String[] {"../agent", "system/../../agent", "/etc/passwd", "system//x", "system/"}) {
      assertThatThrownBy(() -> memory.create(bad, "", 100, "x"))
          .as(bad)
          .hasMessageContaining("invalid block label");
      assertThatThrownBy(() -> memory.rethink(Actor.AGENT, bad, "x"))
          .as(bad)
          .hasMessageContaining("invalid block label");
    }
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()))
          .noneMatch(p -> p.contains("agent.md") || p.contains("passwd"));
    }
  }

  @Test
  void pathAndLabelMapBothWaysForRandomValidLabels() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    String chars = "abcXYZ019_-.";
    for (int i = 0; i < 500; i++) {
      StringBuilder label = new StringBuilder();
      int parts = 1 + r.nextInt(BlockPath.MAX_DEPTH);
      for (int p = 0; p < parts; p++) {
        label.append(p == 0 ? "" : "/").append((char) ('a' + r.nextInt(26)));
        for (int c = r.nextInt(10); c > 0; c--) {
          label.append(chars.charAt(r.nextInt(chars.length())));
        }
      }
      String l = label.toString();
      Path file = BlockPath.fileOf(mem, l);
      assertThat(file.startsWith(mem)).as("seed " + seed + ": " + l).isTrue();
      assertThat(BlockPath.labelOf(mem, file)).as("seed " + seed).isEqualTo(l);
    }
  }

  @Test
  void aFileWhosePathIsNoLabelIsReportedAndSkipped() throws Exception {
    Files.createDirectories(mem.resolve("my notes"));
    Files.writeString(mem.resolve("my notes/a.md"), "x\n");
    Files.writeString(mem.resolve("system.txt"), "x\n");
    Files.createDirectories(mem.resolve(".hidden"));
    Files.writeString(mem.resolve(".hidden/x.md"), "x\n");
    assertThat(memory.load().problems())
        .extracting(Problem::toString)
        .anyMatch(s -> s.startsWith("memory/my notes/a.md: invalid block label \"my notes/a\""))
        .anyMatch(s -> s.startsWith("memory/system.txt: not a block"));
    assertThat(memory.labels()).containsExactly("human", "persona");
    assertThat(agent.validate().errors())
        .extracting(Problem::toString)
        .anyMatch(s -> s.startsWith("memory/my notes/a.md: invalid block label"));
  }

  @Test
  void validateReportsANestedBlockOverItsLimitByItsPath() throws Exception {
    Files.createDirectories(mem.resolve("system"));
    Files.writeString(mem.resolve("system/human.md"), "---\nlimit: 3\n---\ntoo long\n");
    assertThat(agent.validate().errors())
        .extracting(Problem::toString)
        .anyMatch(s -> s.startsWith("memory/system/human.md: value is 8 / 3 chars"));
  }

  @Test
  void onlyFlatBlocksAndThoseUnderSystemAreInContext() {
    assertThat(BlockPath.inContext("human")).isTrue();
    assertThat(BlockPath.inContext("system/human/family")).isTrue();
    assertThat(BlockPath.inContext("reference/api")).isFalse();
    assertThat(BlockPath.inContext("systems/x")).isFalse();
  }
}
