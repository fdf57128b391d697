package dev.memdir.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.Agent;
import dev.memdir.EditException;
import dev.memdir.TestAgents;
import dev.memdir.format.Problem;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoreMemoryTest {
  @TempDir Path dir;
  CoreMemory memory;
  Path mem;

  @BeforeEach
  void setUp() {
    Agent agent = TestAgents.create(dir);
    memory = agent.memory();
    mem = dir.resolve("memory");
  }

  private void write(String label, String text) throws Exception {
    Files.writeString(mem.resolve(label + ".md"), text, StandardCharsets.UTF_8);
  }

  private String file(String label) throws Exception {
    return Files.readString(mem.resolve(label + ".md"), StandardCharsets.UTF_8);
  }

  @Test
  void blockFileRoundTrips() throws Exception {
    write(
        "notes",
        "---\ndescription: Notes.\nlimit: 100\nread_only: true\nmetadata:\n  owner: ada\nextra_key: kept\n---\nline one\nline two\n");
    Block b = memory.get("notes");
    assertThat(b.value()).isEqualTo("line one\nline two");
    assertThat(b.limit()).isEqualTo(100);
    assertThat(b.readOnly()).isTrue();
    assertThat(b.metadata().get("owner").asText()).isEqualTo("ada");
    assertThat(b.render()).isEqualTo(file("notes"));
  }

  @Test
  void aFileWithoutFrontMatterIsAllValueAndStaysThatWay() throws Exception {
    write("plain", "Just text.\n");
    Block b = memory.append(Actor.AGENT, "plain", "More.");
    assertThat(b.limit()).isEqualTo(Block.DEFAULT_LIMIT);
    assertThat(file("plain")).isEqualTo("Just text.\nMore.\n");
  }

  @Test
  void anEmptyFileIsAnEmptyBlock() throws Exception {
    write("empty", "");
    assertThat(memory.get("empty").value()).isEmpty();
    memory.append(Actor.AGENT, "empty", "first");
    assertThat(memory.get("empty").value()).isEqualTo("first");
  }

  @Test
  void crlfAndBomAreReadAndWrittenBackAsLf() throws Exception {
    Files.write(
        mem.resolve("win.md"),
        "\uFEFF---\r\nlimit: 50\r\n---\r\nWindows line\r\n".getBytes(StandardCharsets.UTF_8));
    assertThat(memory.get("win").value()).isEqualTo("Windows line");
    memory.append(Actor.AGENT, "win", "added");
    assertThat(file("win")).isEqualTo("---\nlimit: 50\n---\nWindows line\nadded\n");
  }

  @Test
  void replaceNeedsExactlyOneOccurrenceAndNamesTheLines() throws Exception {
    write("h", "cat\ndog\ncat and cat\n");
    assertThatThrownBy(() -> memory.replace(Actor.AGENT, "h", "cat", "x"))
        .isInstanceOf(EditException.class)
        .hasMessage(
            "old text occurs 3 times in block 'h' (lines 1, 3, 3); include more of the surrounding text so it occurs once");
    assertThatThrownBy(() -> memory.replace(Actor.AGENT, "h", "bird", "x"))
        .hasMessage("old text not found in block 'h'; copy it exactly from the block");
    memory.replace(Actor.AGENT, "h", "dog", "wolf");
    assertThat(file("h")).isEqualTo("cat\nwolf\ncat and cat\n");
  }

  @Test
  void insertFollowsLettasLineConvention() throws Exception {
    write("h", "a\nb\n");
    memory.insert(Actor.AGENT, "h", "top", 0);
    memory.insert(Actor.AGENT, "h", "end", -1);
    memory.insert(Actor.AGENT, "h", "mid", 2);
    assertThat(memory.get("h").value()).isEqualTo("top\na\nmid\nb\nend");
    assertThatThrownBy(() -> memory.insert(Actor.AGENT, "h", "x", 9))
        .hasMessage(
            "insert line 9 is out of range for block 'h': use 0 (top) to 5 (after the last line), or -1 (end)");
  }

  @Test
  void editsOverTheLimitAreRefusedAndLeaveTheFileUntouched() throws Exception {
    write("small", "---\nlimit: 10\n---\n12345\n");
    String before = file("small");
    assertThatThrownBy(() -> memory.append(Actor.AGENT, "small", "67890"))
        .isInstanceOf(EditException.class)
        .hasMessage(
            "edit refused: block 'small' would hold 11 / 10 chars, over its limit by 1; shorten the text or rethink the block");
    assertThat(file("small")).isEqualTo(before);
    memory.append(Actor.AGENT, "small", "6789");
    assertThat(memory.get("small").chars()).isEqualTo(10);
  }

  @Test
  void aBlockOverItsLimitAfterAHandEditLoadsIsFlaggedAndRefusesAppendsUntilItShrinks()
      throws Exception {
    write("big", "---\nlimit: 5\n---\n1234567\n");
    CoreMemory.Snapshot s = memory.load();
    assertThat(s.blocks()).extracting(Block::label).contains("big");
    assertThat(s.problems())
        .filteredOn(Problem::isError)
        .extracting(Problem::toString)
        .containsExactly(
            "memory/big.md: value is 7 / 5 chars, over its limit; agent edits that keep it over the limit are refused until it is shortened or the limit raised");
    assertThatThrownBy(() -> memory.append(Actor.AGENT, "big", "x"))
        .hasMessageContaining("would hold 9 / 5 chars");
    memory.rethink(Actor.AGENT, "big", "123");
    memory.append(Actor.AGENT, "big", "4");
    assertThat(memory.get("big").value()).isEqualTo("123\n4");
  }

  @Test
  void readOnlyBlocksRefuseTheAgentButNotAPerson() throws Exception {
    write("rules", "---\nread_only: true\n---\nBe kind.\n");
    assertThatThrownBy(() -> memory.append(Actor.AGENT, "rules", "x"))
        .hasMessage(
            "block 'rules' is read-only; the agent cannot edit it (a person may edit memory/rules.md)");
    memory.append(Actor.PERSON, "rules", "Be brief.");
    assertThat(memory.get("rules").value()).isEqualTo("Be kind.\nBe brief.");
  }

  @Test
  void oneBrokenBlockDoesNotStopTheOthers() throws Exception {
    write("broken", "---\nlimit: lots\n---\nx\n");
    write("unclosed", "---\nlimit: 3\n");
    write("weird", "---\ncolour: red\n---\nok\n");
    CoreMemory.Snapshot s = memory.load();
    assertThat(s.blocks()).extracting(Block::label).containsExactly("human", "persona", "weird");
    assertThat(s.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "memory/broken.md:2: 'limit' must be a positive integer, got \"lots\"",
            "memory/unclosed.md:1: front matter: opened with '---' on line 1 but never closed with a '---' line",
            "memory/weird.md:2: front matter: unknown key 'colour' (kept as is; known: description, limit, read_only, metadata)");
  }

  @Test
  void unknownFrontMatterKeysAreKeptWhenTheAgentEdits() throws Exception {
    write("weird", "---\ncolour: red\nlimit: 100\n---\nok\n");
    memory.append(Actor.AGENT, "weird", "more");
    assertThat(file("weird")).isEqualTo("---\ncolour: red\nlimit: 100\n---\nok\nmore\n");
  }

  @Test
  void aFiftyMegabyteFileIsRefusedWithASizeMessage() throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(mem.resolve("huge.md").toFile(), "rw")) {
      f.setLength(50L << 20);
    }
    assertThat(memory.load().problems())
        .extracting(Problem::toString)
        .containsExactly("memory/huge.md: file is 52428800 bytes, over the limit of 1048576 bytes");
    assertThatThrownBy(() -> memory.append(Actor.AGENT, "huge", "x"))
        .hasMessage("memory/huge.md: file is 52428800 bytes, over the limit of 1048576 bytes");
    assertThat(Files.size(mem.resolve("huge.md"))).isEqualTo(50L << 20);
  }

  @Test
  void invalidUtf8InOneBlockIsReportedWithItsLine() throws Exception {
    Files.write(mem.resolve("bad.md"), new byte[] {'a', '\n', (byte) 0xC3, '(', '\n'});
    assertThat(memory.load().problems())
        .extracting(Problem::toString)
        .containsExactly(
            "memory/bad.md:2: not valid UTF-8: byte 0xC3 at offset 2; save the file as UTF-8");
  }

  @Test
  void unsafeLabelsAreRefused() {
    for (String bad :
        new String[] {
          "../x",
          "a/../b",
          "/abs",
          "a//b",
          "a/",
          "a/.x",
          "",
          ".hidden",
          "a\0b",
          "x".repeat(65),
          "a b",
          "a\\b",
          "a/b/c/d/e/f/g/h/i"
        }) {
      assertThatThrownBy(() -> memory.create(bad, "", 100, ""))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid block label");
      assertThatThrownBy(() -> memory.append(Actor.AGENT, bad, "x"))
          .as(bad)
          .hasMessageContaining("invalid block label");
    }
  }

  @Test
  void aFileWithAnUnsafeNameIsReportedNotLoaded() throws Exception {
    write("has space", "x\n");
    assertThat(memory.load().problems())
        .extracting(Problem::toString)
        .anyMatch(s -> s.startsWith("memory/has space.md: invalid block label"));
  }

  @Test
  void createAndDelete() throws Exception {
    memory.create("project", "The current project.", 200, "memdir");
    assertThat(file("project"))
        .isEqualTo("---\ndescription: The current project.\nlimit: 200\n---\nmemdir\n");
    assertThatThrownBy(() -> memory.create("project", "", 10, ""))
        .hasMessage("block 'project' already exists (memory/project.md)");
    memory.delete("project");
    assertThat(memory.find("project")).isEmpty();
    assertThatThrownBy(() -> memory.delete("project"))
        .hasMessage("no block 'project' (blocks: human, persona)");
  }

  @Test
  void aMissingMemoryFolderMeansNoBlocks() throws Exception {
    Files.delete(mem.resolve("human.md"));
    Files.delete(mem.resolve("persona.md"));
    Files.delete(mem);
    assertThat(memory.load().blocks()).isEmpty();
    assertThat(memory.load().problems()).isEmpty();
  }

  @Test
  void modifySavesDescriptionLimitAndValueTogetherOrNothing() throws Exception {
    write("human", "---\n# mine\ndescription: Old.\nlimit: 50\n---\nName: Ada.\n");
    String hash = memory.get("human").valueHash();
    String big = "y".repeat(80);
    Block b =
        memory.modify(
            "human", Optional.of("New."), Optional.of(100), Optional.of(big), Optional.of(hash));
    assertThat(b.value()).isEqualTo(big);
    assertThat(file("human"))
        .isEqualTo("---\n# mine\ndescription: New.\nlimit: 100\n---\n" + big + "\n");

    // The value changed since the hash: nothing is saved, the description neither.
    String before = file("human");
    assertThatThrownBy(
            () ->
                memory.modify(
                    "human",
                    Optional.of("Newer."),
                    Optional.empty(),
                    Optional.of("z"),
                    Optional.of(hash)))
        .isInstanceOf(EditException.class)
        .hasMessageContaining("changed since");
    assertThat(file("human")).isEqualTo(before);
    // A value over the new, lower limit: nothing is saved.
    assertThatThrownBy(
            () ->
                memory.modify(
                    "human",
                    Optional.of("Newer."),
                    Optional.of(10),
                    Optional.of("x".repeat(20)),
                    Optional.empty()))
        .isInstanceOf(EditException.class);
    assertThat(file("human")).isEqualTo(before);
    // A shorter value and a lower limit at once.
    memory.modify(
        "human", Optional.empty(), Optional.of(10), Optional.of("Short."), Optional.empty());
    assertThat(file("human")).isEqualTo("---\n# mine\ndescription: New.\nlimit: 10\n---\nShort.\n");
  }

  @Test
  void modifyOfTheValueAloneAddsNoFrontMatter() throws Exception {
    write("plain", "Just text.\n");
    memory.modify(
        "plain", Optional.empty(), Optional.empty(), Optional.of("Other text."), Optional.empty());
    assertThat(file("plain")).isEqualTo("Other text.\n");
  }
}
