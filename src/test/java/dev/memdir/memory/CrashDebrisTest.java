package dev.memdir.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.TestAgents;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a process killed half-way through a block edit leaves, and how the next open treats it. */
class CrashDebrisTest {
  @TempDir Path dir;
  Path a;
  Path block;
  Path swap;

  /** The state of a kill between renaming the block aside and linking the new one in. */
  @BeforeEach
  void killedMidSwap() throws Exception {
    a = dir.resolve("a");
    TestAgents.create(a).close();
    block = a.resolve("memory/human.md");
    byte[] text = Files.readAllBytes(block);
    Path tmp = Files.createDirectories(a.resolve(".memdir/tmp"));
    String name = ".human.md.999999999.k3j9";
    Files.writeString(
        tmp.resolve(name + ".json"),
        "{\"target\":\"memory/human.md\",\"seq\":1,\"base_sha256\":\""
            + TextFiles.sha256(text)
            + "\",\"base_size\":"
            + text.length
            + ",\"base_mtime_ns\":0,\"wrote_sha256\":\"x\",\"note\":\"\",\"restore\":true}");
    swap = tmp.resolve(name + ".swap");
    Files.move(block, swap);
    Files.writeString(tmp.resolve(".human.md.999999999.abc.tmp"), "half written");
    Path legacy = a.resolve("memory/.human.md.x7.tmp");
    Files.writeString(legacy, "debris of an older memdir");
    Files.setLastModifiedTime(legacy, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
  }

  @Test
  void validateReportsAMissingBlockWithWhereItsLastContentIs() {
    assertThat(Agent.validate(a).errors())
        .extracting(Problem::toString)
        .containsExactly(
            "memory/human.md: missing; its last content is in"
                + " .memdir/tmp/.human.md.999999999.k3j9.swap (the next edit puts it back)");
    assertThat(block).doesNotExist();
  }

  @Test
  void theNextOpenPutsTheBlockBackAndClearsTheDebris() throws Exception {
    String before = Files.readString(swap, StandardCharsets.UTF_8);
    try (Agent agent = Agent.open(a)) {
      assertThat(agent.memory().labels()).contains("human");
      assertThat(Files.readString(block, StandardCharsets.UTF_8)).isEqualTo(before);
      assertThat(agent.validate().errors()).isEmpty();
    }
    try (Stream<Path> s = Files.list(a.resolve(".memdir/tmp"))) {
      assertThat(s).isEmpty();
    }
    try (Stream<Path> s = Files.list(a.resolve("memory"))) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("human.md", "persona.md");
    }
  }
}
