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
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreshnessTest {
  @TempDir Path tmp;

  private static Search search(Path agent) {
    return search(agent, SearchSettings.defaults().withWindow(0, 0));
  }

  private static Search search(Path agent, SearchSettings settings) {
    Layout layout = Layout.of(agent);
    return Search.open(layout, settings, new ArchivalStore(layout, Clock.systemUTC()));
  }

  private static List<String> find(Search s, String q) {
    return SearchFilesTest.locations(s.searchFiles(q, 10, Optional.empty()));
  }

  private static Path indexDir(Path agent) {
    return agent.resolve(".memdir/index/main");
  }

  @Test
  void aFileAddedByHandIsFoundByTheNextSearch() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      assertThat(find(s, "zebra")).isEmpty();
      Fixtures.write(agent.resolve("files/zoo/animals.md"), "A zebra has stripes.\n");
      assertThat(find(s, "zebra")).containsExactly("zoo/animals.md:1");
    }
  }

  @Test
  void aFileEditedByHandIsReindexedBeforeTheNextSearch() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      assertThat(find(s, "basil")).containsExactly("notes.md:6");
      Fixtures.write(agent.resolve("files/notes.md"), "Basil and mint.\n\nMore basil here.\n");
      assertThat(find(s, "basil")).containsExactly("notes.md:3", "notes.md:1");
      assertThat(find(s, "tomatoes")).isEmpty();
    }
  }

  @Test
  void aSameSizeEditThatKeepsTheModificationTimeIsCaughtByTheHash() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    Path notes = agent.resolve("files/notes.md");
    try (Search s = search(agent)) {
      assertThat(find(s, "basil")).containsExactly("notes.md:6");
      FileTime before = Files.getLastModifiedTime(notes);
      long size = Files.size(notes);
      Fixtures.write(notes, Fixtures.NOTES.replace("Basil", "Thyme"));
      Files.setLastModifiedTime(notes, before);
      assertThat(Files.size(notes)).isEqualTo(size);
      assertThat(find(s, "thyme")).containsExactly("notes.md:6");
      assertThat(find(s, "basil")).isEmpty();
    }
  }

  @Test
  void aFileDeletedByHandLeavesTheResults() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      assertThat(find(s, "basil")).containsExactly("notes.md:6");
      Files.delete(agent.resolve("files/notes.md"));
      assertThat(find(s, "basil")).isEmpty();
    }
  }

  @Test
  void deletingDotMemdirWhileOpenRebuildsOnTheNextSearch() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      assertThat(find(s, "basil")).containsExactly("notes.md:6");
      IndexStore.deleteTree(agent.resolve(".memdir"));
      Results<FileHit> r = s.searchFiles("basil", 10, Optional.empty());
      assertThat(SearchFilesTest.locations(r)).containsExactly("notes.md:6");
      assertThat(r.notes())
          .containsExactly("rebuilding the search index: .memdir/index/main was deleted");
      assertThat(indexDir(agent)).isDirectory();
    }
  }

  @Test
  void deletingDotMemdirBetweenRunsRebuildsOnTheNextSearch() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      find(s, "basil");
    }
    IndexStore.deleteTree(agent.resolve(".memdir"));
    try (Search s = search(agent)) {
      Results<FileHit> r = s.searchFiles("basil", 10, Optional.empty());
      assertThat(SearchFilesTest.locations(r)).containsExactly("notes.md:6");
      assertThat(r.notes())
          .containsExactly("rebuilding the search index: .memdir/index/main is missing");
    }
  }

  @Test
  void anIndexThatIsUpToDateIsNotRebuiltWhenReopened() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      find(s, "basil");
    }
    try (Search s = search(agent)) {
      Results<FileHit> r = s.searchFiles("basil", 10, Optional.empty());
      assertThat(SearchFilesTest.locations(r)).containsExactly("notes.md:6");
      assertThat(r.notes()).isEmpty();
    }
  }

  @Test
  void aCorruptIndexIsRebuiltAndTheNoteSaysWhy() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      find(s, "basil");
    }
    try (Stream<Path> files = Files.list(indexDir(agent))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.write(p, new byte[] {1, 2, 3});
      }
    }
    try (Search s = search(agent)) {
      Results<FileHit> r = s.searchFiles("basil", 10, Optional.empty());
      assertThat(SearchFilesTest.locations(r)).containsExactly("notes.md:6");
      assertThat(r.notes()).hasSize(1);
      assertThat(r.notes().get(0))
          .startsWith("rebuilding the search index: .memdir/index/main is corrupt (");
    }
  }

  @Test
  void anIndexOfAnOlderFormatIsRebuilt() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      find(s, "basil");
    }
    try (FSDirectory d = FSDirectory.open(indexDir(agent));
        IndexWriter w = new IndexWriter(d, new IndexWriterConfig())) {
      Map<String, String> data = new HashMap<>();
      w.getLiveCommitData().forEach(e -> data.put(e.getKey(), e.getValue()));
      data.put(IndexStore.FORMAT_KEY, "0");
      w.setLiveCommitData(data.entrySet());
      w.commit();
    }
    try (Search s = search(agent)) {
      Results<FileHit> r = s.searchFiles("basil", 10, Optional.empty());
      assertThat(SearchFilesTest.locations(r)).containsExactly("notes.md:6");
      assertThat(r.notes())
          .containsExactly(
              "rebuilding the search index: .memdir/index/main is format 0, this memdir writes"
                  + " format "
                  + IndexStore.FORMAT);
    }
  }

  @Test
  void changedAnalysisSettingsRebuildTheIndex() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent, SearchSettings.defaults())) {
      find(s, "basil");
    }
    try (Search s = search(agent, SearchSettings.defaults().withWindow(0, 1))) {
      assertThat(s.searchFiles("basil", 10, Optional.empty()).notes())
          .containsExactly(
              "rebuilding the search index: the search settings changed (stemmer=porter"
                  + " stop_words=english passage=paragraph passage_lines=40 window=1"
                  + " hypernyms=on passages=sections -> stemmer=porter stop_words=english"
                  + " passage=paragraph passage_lines=40 window=0 hypernyms=on passages=sections)");
    }
    // Ranking settings apply at query time and need no rebuild.
    try (Search s = search(agent, SearchSettings.defaults().withWindow(0, 0).withBm25(0.9, 0.4))) {
      assertThat(s.searchFiles("basil", 10, Optional.empty()).notes()).isEmpty();
    }
  }

  @Test
  void aQueryThatFindsNothingDoesNotTouchTheIndex() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      find(s, "basil");
      List<String> before = listing(indexDir(agent));
      Results<FileHit> r = s.searchFiles("xylophone", 10, Optional.empty());
      assertThat(r.hits()).isEmpty();
      assertThat(r.notes()).isEmpty();
      assertThat(listing(indexDir(agent))).isEqualTo(before);
    }
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFileDeletedBetweenIndexingAndOpeningGivesAClearMessageAndTheIndexHeals()
      throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      assertThat(find(s, "basil")).containsExactly("notes.md:6");
      Files.delete(agent.resolve("files/notes.md"));
      assertThatThrownBy(() -> s.openFiles(List.of(FileRequest.of("notes.md")), false))
          .isInstanceOf(ToolException.class)
          .hasMessage("no file 'notes.md' under files/; search_files or grep_files list the files");
      assertThat(passagesOf(agent, "files/notes.md")).isZero();
    }
  }

  private static long passagesOf(Path agent, String key) throws IOException {
    try (FSDirectory d = FSDirectory.open(indexDir(agent));
        DirectoryReader r = DirectoryReader.open(d)) {
      return new IndexSearcher(r).count(new TermQuery(new Term(MainIndex.F_PATH, key)));
    }
  }

  @Test
  void whenDotMemdirCannotBeWrittenTheIndexIsKeptInMemory() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    Files.writeString(agent.resolve(".memdir"), "not a folder\n");
    try (Search s = search(agent)) {
      Results<FileHit> r = s.searchFiles("basil", 10, Optional.empty());
      assertThat(SearchFilesTest.locations(r)).containsExactly("notes.md:6");
      assertThat(r.notes()).hasSize(2);
      assertThat(r.notes().get(1))
          .startsWith("cannot write .memdir/index/main (")
          .endsWith("); the index is kept in memory");
      Fixtures.write(agent.resolve("files/more.md"), "basil pesto\n");
      assertThat(find(s, "pesto")).containsExactly("more.md:1");
      assertThat(s.indexLocation()).isEqualTo("memory");
    }
  }

  @Test
  void binaryLinkedAndOversizedFilesAreSkippedWithAReason() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    Files.write(agent.resolve("files/image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1});
    Files.write(agent.resolve("files/latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
    Files.createSymbolicLink(agent.resolve("files/link.md"), agent.resolve("agent.yaml"));
    Path outside = tmp.resolve("outside.md");
    Files.writeString(outside, "secret basil\n");
    Files.createLink(agent.resolve("files/hard.md"), outside);
    try (Search s = search(agent)) {
      assertThat(find(s, "secret")).isEmpty();
      assertThat(s.skipped())
          .containsExactly(
              "files/link.md: a symbolic link; links are not followed",
              "files/hard.md: has 2 hard links; hard-linked files are not read, since the other"
                  + " link may be outside files/",
              "files/image.png: binary; not searched",
              "files/latin1.txt: not UTF-8 text (not valid UTF-8: byte 0xE9 at offset 3; save"
                  + " the file as UTF-8); not searched");
    }
  }

  @Test
  void theIndexIsACacheOfTheFilesAndReindexSaysWhatItIndexed() {
    Path agent = Fixtures.conversationAgent(tmp);
    try (Search s = search(agent)) {
      ReindexReport r = s.reindex();
      assertThat(r.files()).isEqualTo(3);
      assertThat(r.passages()).isEqualTo(17);
      assertThat(r.facts()).isZero();
      assertThat(r.summary()).startsWith("indexed 3 files (17 passages), 0 facts, 0 messages in ");
    }
  }
}
