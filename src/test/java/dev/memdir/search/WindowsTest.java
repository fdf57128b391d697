package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.ToolException;
import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowsTest {
  @TempDir Path tmp;
  Path agent;

  @BeforeEach
  void setUp() {
    agent = Fixtures.conversationAgent(tmp);
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 312; i++) {
      sb.append("line ").append(i).append('\n');
    }
    Fixtures.write(agent.resolve("files/long.md"), sb.toString());
  }

  private Search search() {
    return search(SearchSettings.defaults());
  }

  private Search search(SearchSettings settings) {
    Layout layout = Layout.of(agent);
    return Search.open(layout, settings, new ArchivalStore(layout, Clock.systemUTC()));
  }

  @Test
  void aWindowShowsNumberedLinesUnderAHeader() {
    try (Search s = search()) {
      OpenResult r = s.openFiles(List.of(new FileRequest("long.md", 40, 41)), false);
      FileWindow w = r.opened().get(0);
      assertThat(w.header()).isEqualTo("[long.md lines 40–80 of 312]");
      assertThat(w.lines()).hasSize(41).first().isEqualTo("line 40");
      assertThat(w.render()).startsWith("[long.md lines 40–80 of 312]\n40: line 40\n41: line 41\n");
      assertThat(w.render()).endsWith("\n80: line 80");
      assertThat(r.closed()).isEmpty();
      assertThat(r.notes()).isEmpty();
    }
  }

  @Test
  void windowsStayOpenBetweenTurnsAndSeeEdits() {
    try (Search s = search()) {
      s.openFiles(List.of(new FileRequest("notes.md", 3, 2)), false);
    }
    Fixtures.write(agent.resolve("files/notes.md"), "one\ntwo\nthree changed\nfour\n");
    try (Search s = search()) {
      Results<FileWindow> open = s.openWindows();
      assertThat(open.hits())
          .extracting(FileWindow::render)
          .containsExactly("[notes.md lines 3–4 of 4]\n3: three changed\n4: four");
    }
  }

  @Test
  void theLeastRecentlyUsedWindowClosesBeyondTheLimit() {
    try (Search s = search(SearchSettings.defaults().withMaxOpenFiles(2))) {
      s.openFiles(List.of(FileRequest.of("long.md")), false);
      s.openFiles(List.of(FileRequest.of("notes.md")), false);
      s.openFiles(List.of(FileRequest.of("long.md")), false); // used again: now the newest
      OpenResult r = s.openFiles(List.of(FileRequest.of("session-01_2023-05-08.md")), false);
      assertThat(r.closed()).containsExactly("notes.md");
      assertThat(r.notes())
          .containsExactly(
              "closed notes.md, the least recently used, to keep at most 2 files open");
      assertThat(s.openWindows().hits())
          .extracting(FileWindow::file)
          .containsExactly("long.md", "session-01_2023-05-08.md");
    }
  }

  @Test
  void atMostFiveFilesAreOpenByDefault() {
    for (int i = 0; i < 7; i++) {
      Fixtures.write(agent.resolve("files/f" + i + ".md"), "file " + i + "\n");
    }
    try (Search s = search()) {
      for (int i = 0; i < 7; i++) {
        s.openFiles(List.of(FileRequest.of("f" + i + ".md")), false);
      }
      assertThat(s.openWindows().hits())
          .extracting(FileWindow::file)
          .containsExactly("f2.md", "f3.md", "f4.md", "f5.md", "f6.md");
    }
  }

  @Test
  void closeAllOthersLeavesOnlyTheRequestedFiles() {
    try (Search s = search()) {
      s.openFiles(List.of(FileRequest.of("long.md"), FileRequest.of("notes.md")), false);
      OpenResult r = s.openFiles(List.of(FileRequest.of("session-02_2023-06-20.md")), true);
      assertThat(r.closed()).containsExactly("long.md", "notes.md");
      assertThat(s.openWindows().hits())
          .extracting(FileWindow::file)
          .containsExactly("session-02_2023-06-20.md");
    }
  }

  @Test
  void closeFilesClosesAndSaysWhichWereNotOpen() {
    try (Search s = search()) {
      s.openFiles(List.of(FileRequest.of("long.md"), FileRequest.of("notes.md")), false);
      Results<String> r = s.closeFiles(List.of("notes.md", "other.md"));
      assertThat(r.hits()).containsExactly("notes.md");
      assertThat(r.notes()).containsExactly("other.md was not open");
      assertThat(s.openWindows().hits()).extracting(FileWindow::file).containsExactly("long.md");
    }
  }

  @Test
  void hugeLengthsAreCappedAndOffsetsPastTheEndShowTheLastLines() {
    try (Search s = search()) {
      OpenResult r = s.openFiles(List.of(new FileRequest("long.md", 1, Integer.MAX_VALUE)), false);
      assertThat(r.opened().get(0).header()).isEqualTo("[long.md lines 1–312 of 312]");
      assertThat(r.notes()).containsExactly("length 2147483647 capped at 1000 lines");
      OpenResult past =
          s.openFiles(List.of(new FileRequest("long.md", Integer.MAX_VALUE, 10)), false);
      assertThat(past.opened().get(0).header()).isEqualTo("[long.md lines 303–312 of 312]");
      assertThat(past.notes())
          .containsExactly("long.md has 312 lines; offset 2147483647 moved to the last 10 lines");
    }
  }

  @Test
  void badOffsetsLengthsAndNamesAreRefused() {
    try (Search s = search()) {
      assertThatThrownBy(() -> s.openFiles(List.of(new FileRequest("long.md", 0, 5)), false))
          .isInstanceOf(ToolException.class)
          .hasMessage("offset is the first line to show, 1 or more; got 0");
      assertThatThrownBy(() -> s.openFiles(List.of(new FileRequest("long.md", 1, -1)), false))
          .hasMessage("length is a number of lines, 1 or more; got -1");
      assertThatThrownBy(() -> s.openFiles(List.of(FileRequest.of("../agent.yaml")), false))
          .hasMessage("file_name '../agent.yaml' contains '..'; paths stay inside files/");
      assertThatThrownBy(() -> s.openFiles(List.of(), false))
          .hasMessage("file_requests is empty; give at least one {file_name, offset, length}");
    }
  }

  @Test
  void binaryFilesCannotBeOpened() throws IOException {
    Files.write(agent.resolve("files/a.bin"), new byte[] {1, 0, 2});
    try (Search s = search()) {
      assertThatThrownBy(() -> s.openFiles(List.of(FileRequest.of("a.bin")), false))
          .hasMessage("a.bin is a binary file and cannot be opened as text");
    }
  }

  @Test
  void aWindowOnADeletedFileClosesWithANote() throws IOException {
    try (Search s = search()) {
      s.openFiles(List.of(FileRequest.of("notes.md"), FileRequest.of("long.md")), false);
      Files.delete(agent.resolve("files/notes.md"));
      Results<FileWindow> r = s.openWindows();
      assertThat(r.hits()).extracting(FileWindow::file).containsExactly("long.md");
      assertThat(r.notes())
          .containsExactly(
              "closed notes.md: no file 'notes.md' under files/; search_files or grep_files list"
                  + " the files");
    }
  }

  @Test
  void anUnreadableStateFileMeansNoWindowIsOpen() throws IOException {
    try (Search s = search()) {
      s.openFiles(List.of(FileRequest.of("notes.md")), false);
      Files.writeString(agent.resolve(".memdir/windows.json"), "{not json");
      Results<FileWindow> r = s.openWindows();
      assertThat(r.hits()).isEmpty();
      assertThat(r.notes()).hasSize(1);
      assertThat(r.notes().get(0)).startsWith(".memdir/windows.json is unreadable (");
    }
  }

  @Test
  void theStateFileIsSmallDeterministicJson() throws IOException {
    try (Search s = search()) {
      s.openFiles(List.of(new FileRequest("long.md", 40, 41)), false);
    }
    assertThat(Files.readString(agent.resolve(".memdir/windows.json")))
        .isEqualTo("{\"v\":1,\"open\":[{\"file\":\"long.md\",\"offset\":40,\"length\":41}]}\n");
  }
}
