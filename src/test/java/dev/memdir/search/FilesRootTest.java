package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.ToolException;
import dev.memdir.format.Layout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilesRootTest {
  @TempDir Path tmp;
  Path agent;
  FilesRoot root;

  @BeforeEach
  void setUp() {
    agent = Fixtures.conversationAgent(tmp);
    root = new FilesRoot(Layout.of(agent));
  }

  private void refused(String name, String message) {
    assertThatThrownBy(() -> root.resolve(name))
        .isInstanceOf(ToolException.class)
        .hasMessage(message);
  }

  @Test
  void aNameRelativeToFilesResolvesToItsFile() {
    FilesRoot.Entry e = root.resolve("notes.md");
    assertThat(e.name()).isEqualTo("notes.md");
    assertThat(e.path()).isEqualTo(agent.resolve("files/notes.md"));
    assertThat(root.resolve("./notes.md").name()).isEqualTo("notes.md");
    assertThat(root.resolve("files/notes.md").name()).isEqualTo("notes.md");
  }

  @Test
  void dotDotIsRefused() {
    refused("../agent.yaml", "file_name '../agent.yaml' contains '..'; paths stay inside files/");
    refused("a/../../x", "file_name 'a/../../x' contains '..'; paths stay inside files/");
  }

  @Test
  void absolutePathsAreRefused() {
    refused(
        "/etc/passwd",
        "file_name '/etc/passwd' is absolute; give a path relative to files/, like notes.md");
    refused(
        agent.resolve("files/notes.md").toString(),
        "file_name '"
            + agent.resolve("files/notes.md")
            + "' is absolute; give a path relative to files/, like notes.md");
    refused(
        "C:/Windows/win.ini",
        "file_name 'C:/Windows/win.ini' is absolute; give a path relative to files/, like"
            + " notes.md");
    refused(
        "~/notes.md",
        "file_name '~/notes.md' is absolute; give a path relative to files/, like notes.md");
  }

  @Test
  void nulBytesAndBackslashesAreRefused() {
    refused("notes.md\0.txt", "file_name 'notes.md\\0.txt' contains a NUL byte");
    refused(
        "..\\agent.yaml",
        "file_name '..\\agent.yaml' contains a backslash; separate folders with /");
  }

  @Test
  void dotMemdirAndHiddenFilesAreRefused() throws IOException {
    Files.createDirectories(agent.resolve("files/.memdir"));
    Files.writeString(agent.resolve("files/.memdir/x"), "x");
    refused(
        ".memdir/windows.json",
        "file_name '.memdir/windows.json' is under .memdir/, which holds derived state, not"
            + " files");
    refused(".secret", "file_name '.secret' names a hidden file or folder; those are not offered");
  }

  @Test
  void symbolicLinksAreNotFollowed() throws IOException {
    Files.createSymbolicLink(agent.resolve("files/passwd"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(agent.resolve("files/up"), agent);
    refused(
        "passwd",
        "'passwd' goes through a symbolic link (files/passwd); links are not followed, so"
            + " nothing can lead outside files/");
    refused(
        "up/agent.yaml",
        "'up/agent.yaml' goes through a symbolic link (files/up); links are not followed, so"
            + " nothing can lead outside files/");
  }

  @ParameterizedTest(name = "secure streams: {0}")
  @ValueSource(booleans = {true, false})
  void aFileSwappedForALinkBetweenItsCheckAndItsOpenIsRefusedAsChanged(boolean secure)
      throws IOException {
    root.secureStreams = secure;
    Path secret = tmp.resolve("secret.txt");
    Files.writeString(secret, "the secret\n");
    Path doc = agent.resolve("files/notes.md");
    root.beforeOpen =
        () -> {
          try {
            Files.delete(doc);
            Files.createSymbolicLink(doc, secret);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    // The no-follow open fails with ELOOP, which the JDK reports as a plain IOException.
    assertThatThrownBy(() -> root.read("notes.md", 1 << 20))
        .isInstanceOf(FilesRoot.Unreadable.class)
        .hasMessageStartingWith("changed while it was opened (")
        .hasMessageContaining("symbolic links");
  }

  @Test
  void hardLinkedFilesAreRefused() throws IOException {
    Path outside = tmp.resolve("secret.txt");
    Files.writeString(outside, "secret\n");
    Files.createLink(agent.resolve("files/secret.txt"), outside);
    refused(
        "secret.txt",
        "'secret.txt' has 2 hard links; hard-linked files are not read, since the other link may"
            + " be outside files/");
  }

  @Test
  void missingFilesFoldersAndEmptyNamesGetClearMessages() throws IOException {
    Files.createDirectories(agent.resolve("files/sub"));
    refused("nope.md", "no file 'nope.md' under files/; search_files or grep_files list the files");
    refused("sub", "'sub' is a folder; give a file inside it");
    refused("", "file_name is empty; give a path relative to files/, like notes.md");
    refused("notes.md/x", "no file 'notes.md/x' under files/");
    refused("x".repeat(600), "file_name is 600 chars; at most 512 are accepted");
    refused("a\nb", "file_name 'a\nb' contains a control character");
  }

  @Test
  void theWalkListsRegularUnhiddenFilesSortedByName() throws IOException {
    Fixtures.write(agent.resolve("files/sub/deep.md"), "deep\n");
    Fixtures.write(agent.resolve("files/.hidden/x.md"), "x\n");
    Fixtures.write(agent.resolve("files/.dot.md"), "x\n");
    assertThat(root.list().files())
        .extracting(FilesRoot.Entry::name)
        .containsExactly(
            "notes.md", "session-01_2023-05-08.md", "session-02_2023-06-20.md", "sub/deep.md");
  }
}
