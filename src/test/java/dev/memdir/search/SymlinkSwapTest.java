package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.MemdirException;
import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder or file under files/ swapped for a link while the tools run never leads outside. */
class SymlinkSwapTest {
  private static final String SECRET = "zqxsecretzqx";

  @TempDir Path tmp;

  private Search open(Path agent) {
    Layout layout = Layout.of(agent);
    return Search.open(
        layout, SearchSettings.defaults(), new ArchivalStore(layout, Clock.systemUTC()));
  }

  /** Swaps {@code real} with a link to {@code outside} and back, until stopped. */
  private static Thread swapper(Path real, Path outside, AtomicBoolean stop, AtomicInteger swaps) {
    Path aside = real.resolveSibling(real.getFileName() + ".aside");
    Thread t =
        new Thread(
            () -> {
              while (!stop.get()) {
                try {
                  Files.move(real, aside, StandardCopyOption.ATOMIC_MOVE);
                  Files.createSymbolicLink(real, outside);
                  Thread.onSpinWait();
                  Files.delete(real);
                  Files.move(aside, real, StandardCopyOption.ATOMIC_MOVE);
                  swaps.incrementAndGet();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              }
            },
            "swapper");
    t.setDaemon(true);
    return t;
  }

  private static boolean leaked(Object result) {
    return String.valueOf(result).contains(SECRET);
  }

  private void hammer(Path agent, Path real, Path outside, String name) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger swaps = new AtomicInteger();
    int leaks = 0;
    int calls = 0;
    Thread t = swapper(real, outside, stop, swaps);
    try (Search s = open(agent)) {
      t.start();
      long end = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < end || calls < 300) {
        calls++;
        if (leaked(s.grepFiles(SECRET, Optional.empty(), 0, 0, false).matches())) {
          leaks++;
        }
        try {
          if (leaked(s.openFiles(List.of(new FileRequest(name, 1, 10)), true))) {
            leaks++;
          }
        } catch (MemdirException e) {
          // The name is a link, or is missing, at this moment: refused, as it should be.
        }
        if (leaked(s.searchFiles(SECRET, 10, Optional.empty()).hits())) {
          leaks++;
        }
      }
    } finally {
      stop.set(true);
      t.join();
    }
    assertThat(swaps.get()).as("swaps").isPositive();
    assertThat(leaks).as("reads outside files/ in " + calls + " rounds").isZero();
  }

  @Test
  void aFolderSwappedForALinkNeverLetsGrepOpenOrSearchReadOutside() throws Exception {
    Path agent = Fixtures.conversationAgent(tmp);
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("notes.md"), "the " + SECRET + " is here\n");
    Path dir = Files.createDirectories(agent.resolve("files/dir"));
    Files.writeString(dir.resolve("notes.md"), "nothing to see\n");
    hammer(agent, dir, outside, "dir/notes.md");
  }

  @Test
  void aFileSwappedForALinkNeverLetsGrepOpenOrSearchReadOutside() throws Exception {
    Path agent = Fixtures.conversationAgent(tmp);
    Path outside = tmp.resolve("secret.md");
    Files.writeString(outside, "the " + SECRET + " is here\n");
    Path file = agent.resolve("files/a.md");
    Files.writeString(file, "nothing to see\n");
    hammer(agent, file, outside, "a.md");
  }

  @Test
  void aFilesFolderThatIsALinkIsNotFollowed() throws IOException {
    Path agent = Fixtures.conversationAgent(tmp);
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("notes.md"), "the " + SECRET + " is here\n");
    Path files = agent.resolve("files");
    Files.move(files, tmp.resolve("files.aside"));
    Files.createSymbolicLink(files, outside);
    try (Search s = open(agent)) {
      GrepPage p = s.grepFiles(SECRET, Optional.empty(), 0, 0, false);
      assertThat(p.matches()).isEmpty();
      assertThat(s.searchFiles(SECRET, 10, Optional.empty()).hits()).isEmpty();
      assertThat(s.skipped())
          .contains(
              "files is a symbolic link; links are not followed, so nothing under it is searched");
      assertThatThrownBy(() -> s.openFiles(List.of(new FileRequest("notes.md", 1, 10)), false))
          .hasMessage(
              "files is a symbolic link; links are not followed, so nothing under it is searched;"
                  + " no file can be opened");
    }
  }
}
