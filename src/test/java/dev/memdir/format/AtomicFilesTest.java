package dev.memdir.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.MemdirException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writeReplacesTheFileAndLeavesNoTemporaryFiles() throws Exception {
    Path f = dir.resolve("sub/x.md");
    AtomicFiles.write(f, "one\n");
    AtomicFiles.write(f, "two\n");
    assertThat(Files.readString(f, StandardCharsets.UTF_8)).isEqualTo("two\n");
    try (Stream<Path> s = Files.list(f.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("x.md");
    }
  }

  @Test
  void aFileWhereTheFolderShouldBeFailsClearlyAndWritesNothing() throws Exception {
    Files.writeString(dir.resolve("memory"), "not a folder");
    assertThatThrownBy(() -> AtomicFiles.write(dir.resolve("memory/human.md"), "x"))
        .isInstanceOf(MemdirException.class)
        .hasMessageContaining("cannot write")
        .hasMessageContaining("human.md");
    assertThat(Files.readString(dir.resolve("memory"))).isEqualTo("not a folder");
  }
}
