package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesScannerTest {
  @TempDir Path tmp;

  private static long size(FilesRoot.Listing l, String name) {
    return l.files().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().size();
  }

  @Test
  void withNothingReportedTheLastListingIsReturnedWithoutAWalk() {
    Path root = tmp.resolve("files");
    Fixtures.write(root.resolve("a.md"), "one\n");
    try (FilesScanner s = new FilesScanner(root, Optional.of(tmp.resolve(".memdir/watch")))) {
      s.scan();
      FilesRoot.Listing second = s.scan();
      assertThat(s.scan()).isSameAs(second);
    }
  }

  @Test
  void aFlatScannerListsTheRootsOwnFilesAndSeesNewOnesThere() {
    Path root = tmp.resolve("archival");
    Fixtures.write(root.resolve("a.md"), "one\n");
    Fixtures.write(root.resolve("sub/b.md"), "two\n");
    try (FilesScanner s = FilesScanner.flat(root, Optional.of(tmp.resolve(".memdir/watch")))) {
      assertThat(s.scan().files()).extracting(FilesRoot.Entry::name).containsExactly("a.md");
      FilesRoot.Listing second = s.scan();
      assertThat(s.scan()).isSameAs(second);
      // A new file in a subfolder is neither listed nor reported; one in the root is.
      Fixtures.write(root.resolve("sub/c.md"), "three\n");
      assertThat(s.scan()).isSameAs(second);
      Fixtures.write(root.resolve("d.md"), "four\n");
      assertThat(s.scan().files())
          .extracting(FilesRoot.Entry::name)
          .containsExactly("a.md", "d.md");
    }
  }

  @Test
  void anEditInPlaceInAFolderMadeAfterWatchingBeganIsSeenByTheNextScan() throws IOException {
    Path root = tmp.resolve("files");
    Fixtures.write(root.resolve("a.md"), "one\n");
    try (FilesScanner s = new FilesScanner(root, Optional.of(tmp.resolve(".memdir/watch")))) {
      s.scan();
      s.scan();
      Path deep = root.resolve("x/y/b.md");
      Fixtures.write(deep, "two\n");
      assertThat(size(s.scan(), "x/y/b.md")).isEqualTo(4);
      FilesRoot.Listing quiet = s.scan();
      assertThat(s.scan()).isSameAs(quiet);
      FileTime before = Files.getLastModifiedTime(deep);
      Files.writeString(deep, "three\n");
      Files.setLastModifiedTime(deep, before);
      assertThat(size(s.scan(), "x/y/b.md")).isEqualTo(6);
      Files.delete(root.resolve("a.md"));
      assertThat(s.scan().files()).extracting(FilesRoot.Entry::name).containsExactly("x/y/b.md");
    }
  }

  @Test
  void aFilesFolderReplacedByAnotherIsWalkedAgain() throws IOException {
    Path root = tmp.resolve("files");
    Fixtures.write(root.resolve("a.md"), "one\n");
    try (FilesScanner s = new FilesScanner(root, Optional.of(tmp.resolve(".memdir/watch")))) {
      s.scan();
      s.scan();
      Files.move(root, tmp.resolve("files.old"));
      Fixtures.write(root.resolve("b.md"), "two\n");
      assertThat(s.scan().files()).extracting(FilesRoot.Entry::name).containsExactly("b.md");
    }
  }

  @Test
  void twoScannersSharingTheWatchFolderEachSeeEveryEdit() throws IOException {
    Path root = tmp.resolve("files");
    Path watch = tmp.resolve(".memdir/watch");
    Fixtures.write(root.resolve("a.md"), "one\n");
    try (FilesScanner a = new FilesScanner(root, Optional.of(watch));
        FilesScanner b = new FilesScanner(root, Optional.of(watch))) {
      for (FilesScanner s : List.of(a, b, a, b)) {
        s.scan();
      }
      for (int i = 0; i < 20; i++) {
        String text = "x".repeat(i + 1) + "\n";
        Fixtures.write(root.resolve("a.md"), text);
        assertThat(size(b.scan(), "a.md")).isEqualTo(text.length());
        assertThat(size(a.scan(), "a.md")).isEqualTo(text.length());
      }
    }
    try (Stream<Path> left = Files.list(watch)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void withoutAWatchFolderEveryScanWalks() {
    Path root = tmp.resolve("files");
    Fixtures.write(root.resolve("a.md"), "one\n");
    try (FilesScanner s = new FilesScanner(root, Optional.empty())) {
      s.scan();
      FilesRoot.Listing second = s.scan();
      assertThat(s.scan()).isNotSameAs(second);
    }
  }

  @Test
  void whenTheWatchFolderCannotBeMadeEveryScanWalks() throws IOException {
    Path root = tmp.resolve("files");
    Fixtures.write(root.resolve("a.md"), "one\n");
    Files.writeString(tmp.resolve(".memdir"), "a file where a folder should be");
    try (FilesScanner s = new FilesScanner(root, Optional.of(tmp.resolve(".memdir/watch")))) {
      s.scan();
      FilesRoot.Listing second = s.scan();
      assertThat(s.scan()).isNotSameAs(second);
      Fixtures.write(root.resolve("a.md"), "changed\n");
      assertThat(size(s.scan(), "a.md")).isEqualTo(8);
    }
  }
}
