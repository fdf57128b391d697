package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.ToolException;
import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadCapsTest {
  @TempDir Path tmp;

  /** A sparse file of {@code bytes}: no disk is used, but a whole read would fill the heap. */
  static void sparse(Path file, long bytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(bytes);
    }
  }

  @Test
  void aThreeGigabyteFileJustWrittenIsNeverReadBySearchGrepOrOpen() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    Layout layout = Layout.of(agent);
    sparse(agent.resolve("files/huge.md"), 3L << 30);
    try (Search s =
        Search.open(
            layout, SearchSettings.defaults(), new ArchivalStore(layout, Clock.systemUTC()))) {
      // The second search finds the file changed within the last 2 s and checks its hash.
      for (int i = 0; i < 3; i++) {
        assertThat(s.searchFiles("tomatoes", 10, Optional.empty()).hits()).isNotEmpty();
      }
      assertThat(s.skipped()).contains("files/huge.md: over 64 MiB; not searched");
      assertThat(s.grepFiles("Basil", Optional.empty(), 0, 0, false).notes())
          .containsExactly("skipped files/huge.md: over 64 MiB");
      assertThatThrownBy(() -> s.openFiles(List.of(new FileRequest("huge.md", 1, 10)), false))
          .isInstanceOf(ToolException.class)
          .hasMessage("cannot open 'huge.md': over 64 MiB");
    }
  }
}
