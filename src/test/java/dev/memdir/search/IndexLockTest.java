package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.AgentBusyException;
import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexLockTest {
  @TempDir Path tmp;

  /** Starts a rebuild of the agent's main index that stops half-way until {@code release}. */
  private static Thread stuckRebuild(Path agent, CountDownLatch inside, CountDownLatch release) {
    SearchSettings settings = SearchSettings.defaults();
    IndexStore other =
        new IndexStore(
            agent.resolve(".memdir/index/main"),
            ".memdir/index/main",
            new SearchAnalyzer(settings),
            settings.analysisSignature());
    Thread t =
        new Thread(
            () ->
                other.rebuild(
                    w -> {
                      inside.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return Map.of();
                    }),
            "stuck rebuild");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void aSearchWaitsForAStuckRebuildOnlySoLongThenSaysWhoHoldsTheIndex() throws Exception {
    Path agent = Fixtures.conversationAgent(tmp);
    Layout layout = Layout.of(agent);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread t = stuckRebuild(agent, inside, release);
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    Search s =
        Search.open(
            layout, SearchSettings.defaults(), new ArchivalStore(layout, Clock.systemUTC()));
    try {
      long pid = ProcessHandle.current().pid();
      assertThatThrownBy(
              () ->
                  Assertions.assertTimeoutPreemptively(
                      Duration.ofSeconds(40),
                      () -> s.searchFiles("tomatoes", 10, Optional.empty())))
          .isInstanceOf(AgentBusyException.class)
          .hasMessage(
              "the search index .memdir/index/main is in use by another thread of process "
                  + pid
                  + " (waited 10 s for .memdir/index/main.lock); try again when it is done");
      release.countDown();
      t.join();
      assertThat(s.searchFiles("tomatoes", 10, Optional.empty()).hits()).isNotEmpty();
    } finally {
      // Before close: a search still waiting holds the Search until the rebuild ends.
      release.countDown();
      t.join();
      s.close();
    }
  }

  @Test
  void aWriterOfAnotherProcessIsNamedByItsProcessId() throws Exception {
    Path agent = Fixtures.conversationAgent(tmp);
    SearchSettings settings = SearchSettings.defaults();
    Path dir = agent.resolve(".memdir/index/main");
    IndexStore mine =
        new IndexStore(
            dir, ".memdir/index/main", new SearchAnalyzer(settings), settings.analysisSignature());
    mine.lockWait(Duration.ofMillis(200));
    // Another process holds the file lock; here a channel outside IndexStore stands in for it.
    java.nio.file.Files.createDirectories(dir.getParent());
    Path lockFile = agent.resolve(".memdir/index/main.lock");
    try (var ch =
            java.nio.channels.FileChannel.open(
                lockFile,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
        var held = ch.lock()) {
      ch.write(
          java.nio.ByteBuffer.wrap("4242\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      assertThatThrownBy(() -> mine.rebuild(w -> Map.of()))
          .isInstanceOf(AgentBusyException.class)
          .hasMessage(
              "the search index .memdir/index/main is in use by process 4242 (waited 0.200 s for"
                  + " .memdir/index/main.lock); try again when it is done");
    }
    assertThat(mine.rebuild(w -> Map.of())).isEmpty();
    mine.close();
  }
}
