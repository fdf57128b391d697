package dev.memdir.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.FormatException;
import dev.memdir.TestAgents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Front matter a person wrote survives an agent edit byte for byte and reads as they meant it. */
class HandWrittenFrontMatterTest {
  static final String FRONT_MATTER =
      "---\n"
          + "# Who the agent talks to; keep it short.\n"
          + "limit: 05000   # five thousand\n"
          + "description: 'What the agent knows: the person.'\n"
          + "\n"
          + "owner: &who Mira\n"
          + "metadata:\n"
          + "  source:   onboarding\n"
          + "  editor: *who\n"
          + "colour: \"blue\"\n"
          + "...\n";

  @TempDir Path dir;
  CoreMemory memory;
  Path file;

  @BeforeEach
  void setUp() throws Exception {
    memory = TestAgents.create(dir).memory();
    file = dir.resolve("memory/human.md");
    Files.writeString(file, FRONT_MATTER + "Name: Mira\n");
  }

  @Test
  void anAgentEditKeepsCommentsOrderQuotingBlankLinesUnknownKeysAndAnchors() throws Exception {
    memory.append(Actor.AGENT, "human", "Prefers tea.");
    assertThat(Files.readString(file)).isEqualTo(FRONT_MATTER + "Name: Mira\nPrefers tea.\n");
    memory.replace(Actor.AGENT, "human", "tea", "green tea");
    memory.insert(Actor.AGENT, "human", "# About", 0);
    memory.rethink(Actor.AGENT, "human", "Name: Mira Okafor");
    assertThat(Files.readString(file)).isEqualTo(FRONT_MATTER + "Name: Mira Okafor\n");
  }

  @Test
  void crlfFrontMatterIsKeptAsLfBytesAfterAnEdit() throws Exception {
    Files.writeString(file, (FRONT_MATTER + "Name: Mira\n").replace("\n", "\r\n"));
    memory.append(Actor.AGENT, "human", "Prefers tea.");
    assertThat(Files.readString(file)).isEqualTo(FRONT_MATTER + "Name: Mira\nPrefers tea.\n");
  }

  @Test
  void numbersAndAliasesReadAsAPersonMeansThem() {
    Block b = memory.get("human");
    assertThat(b.limit()).isEqualTo(5000);
    assertThat(b.metadata().path("editor").asText()).isEqualTo("Mira");
    assertThat(b.extra().path("owner").asText()).isEqualTo("Mira");
    assertThat(b.description()).isEqualTo("What the agent knows: the person.");
  }

  @Test
  void numberFormsAPersonLikelyDidNotMeanAreRefusedWithTheLine() throws Exception {
    for (String form : List.of("0x10", "0o17", "0b101", "1:30", "5_000", "+0x1F")) {
      Files.writeString(file, "---\ndescription: x\nlimit: " + form + "\n---\nv\n");
      assertThatThrownBy(() -> memory.get("human"))
          .as(form)
          .isInstanceOf(FormatException.class)
          .hasMessage(
              "memory/human.md:3: 'limit' must be a positive integer, got \""
                  + form
                  + "\" (write numbers in plain decimal digits, like 5000)");
    }
    Files.writeString(file, "---\nlimit: 0042\n---\nv\n");
    assertThat(memory.get("human").limit()).isEqualTo(42);
  }

  @Test
  void randomValueEditsNeverChangeTheFrontMatterBytes() throws Exception {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    Random r = new Random(seed);
    try {
      for (int i = 0; i < 50; i++) {
        String word = "w" + r.nextInt(1000);
        switch (r.nextInt(3)) {
          case 0 -> memory.append(Actor.AGENT, "human", word);
          case 1 -> memory.insert(Actor.AGENT, "human", word, 0);
          default -> memory.rethink(Actor.AGENT, "human", word + " " + i);
        }
        assertThat(Files.readString(file)).startsWith(FRONT_MATTER);
      }
    } catch (AssertionError e) {
      throw new AssertionError(
          "failed with seed " + seed + " (rerun: -Dtests.seed=" + seed + ")", e);
    }
  }
}
