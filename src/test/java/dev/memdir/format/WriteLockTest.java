package dev.memdir.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.AgentBusyException;
import dev.memdir.ChildProcess;
import dev.memdir.MemdirException;
import dev.memdir.TestAgents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteLockTest {
  @TempDir Path dir;
  Layout layout;

  @BeforeEach
  void setUp() {
    TestAgents.create(dir).close();
    layout = Layout.of(dir);
  }

  @Test
  void theLockFileHoldsThePidWhileHeldAndIsEmptiedOnRelease() throws Exception {
    WriteLock lock = WriteLock.of(layout, Duration.ZERO);
    try (WriteLock.Hold h = lock.acquire()) {
      assertThat(Files.readString(dir.resolve(".memdir/lock")))
          .isEqualTo(ProcessHandle.current().pid() + "\n");
      assertThat(lock.heldByCurrentThread()).isTrue();
    }
    assertThat(Files.readString(dir.resolve(".memdir/lock"))).isEmpty();
    assertThat(lock.heldByCurrentThread()).isFalse();
  }

  @Test
  void theLockIsReentrantForTheThreadThatHoldsIt() {
    WriteLock lock = WriteLock.of(layout, Duration.ZERO);
    try (WriteLock.Hold outer = lock.acquire()) {
      try (WriteLock.Hold inner = WriteLock.of(layout, Duration.ZERO).acquire()) {
        assertThat(lock.heldByCurrentThread()).isTrue();
      }
      assertThat(lock.heldByCurrentThread()).isTrue();
    }
    assertThat(lock.heldByCurrentThread()).isFalse();
  }

  @Test
  void aSecondThreadWaitsThenFailsNamingThisProcess() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () -> {
              try (WriteLock.Hold h = WriteLock.of(layout, Duration.ZERO).acquire()) {
                held.countDown();
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    holder.start();
    held.await();
    long start = System.nanoTime();
    assertThatThrownBy(() -> WriteLock.of(layout, Duration.ofMillis(200)).acquire())
        .isInstanceOf(AgentBusyException.class)
        .hasMessage(
            "agent is in use by process "
                + ProcessHandle.current().pid()
                + ", another thread of this one (waited 0.200 s for .memdir/lock)");
    assertThat(System.nanoTime() - start)
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    assertThat(WriteLock.of(layout, Duration.ZERO).tryAcquire()).isEmpty();
    release.countDown();
    holder.join();
    try (WriteLock.Hold h = WriteLock.of(layout, Duration.ZERO).acquire()) {
      assertThat(h).isNotNull();
    }
  }

  @Test
  void manyThreadsTakeTurnsAndNeverSeeAnOverlappingFileLock() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread th =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 50; i++) {
                    // A lock object per use, as separate writers of one agent would have.
                    try (WriteLock.Hold h =
                        WriteLock.of(layout, Duration.ofSeconds(30)).acquire()) {
                      maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                      Thread.yield();
                      inside.decrementAndGet();
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(failure.get()).isNull();
    assertThat(maxInside.get()).isEqualTo(1);
  }

  @Test
  void anotherProcessHoldingTheLockIsNamedByItsPid() throws Exception {
    Process child = ChildProcess.start("hold", dir.toString(), "1500");
    ChildProcess.Output out = new ChildProcess.Output(child.getInputStream());
    out.await("locked", Duration.ofSeconds(30));
    assertThatThrownBy(() -> WriteLock.of(layout, Duration.ofMillis(100)).acquire())
        .isInstanceOf(AgentBusyException.class)
        .hasMessage(
            "agent is in use by process " + child.pid() + " (waited 0.100 s for .memdir/lock)")
        .satisfies(e -> assertThat(((AgentBusyException) e).holderPid()).hasValue(child.pid()));
    // A longer wait outlasts the holder.
    try (WriteLock.Hold h = WriteLock.of(layout, Duration.ofSeconds(30)).acquire()) {
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aHugeLockFileHeldByAnotherProcessIsNotReadForItsPid() throws Exception {
    Process child = ChildProcess.start("hold", dir.toString(), "1500");
    ChildProcess.Output out = new ChildProcess.Output(child.getInputStream());
    out.await("locked", Duration.ofSeconds(30));
    try (java.io.RandomAccessFile f =
        new java.io.RandomAccessFile(dir.resolve(".memdir/lock").toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    assertThatThrownBy(() -> WriteLock.of(layout, Duration.ofMillis(100)).acquire())
        .isInstanceOf(AgentBusyException.class)
        .hasMessage("agent is in use by another process (waited 0.100 s for .memdir/lock)");
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aFileWhereTheDerivedFolderShouldBeMakesWritesFailClearly() throws Exception {
    Files.writeString(dir.resolve(".memdir"), "not a folder");
    assertThatThrownBy(() -> WriteLock.of(layout, Duration.ZERO).acquire())
        .isInstanceOf(MemdirException.class)
        .hasMessage("cannot lock the agent for writing: .memdir is a file, expected a folder");
  }

  @Test
  void theDerivedFolderIsCreatedAgainWhenDeleted() throws Exception {
    WriteLock lock = WriteLock.of(layout, Duration.ZERO);
    lock.acquire().close();
    Files.delete(dir.resolve(".memdir/lock"));
    Files.delete(dir.resolve(".memdir"));
    try (WriteLock.Hold h = lock.acquire()) {
      assertThat(dir.resolve(".memdir/lock")).exists();
    }
  }

  @Test
  void aNegativeWaitIsRefused() {
    assertThatThrownBy(() -> WriteLock.of(layout, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("wait must not be negative, got PT-1S");
  }
}
