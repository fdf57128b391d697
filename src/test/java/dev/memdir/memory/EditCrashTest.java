package dev.memdir.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.ChildProcess;
import dev.memdir.TestAgents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed at any point of a block edit leaves no block missing and no debris. */
class EditCrashTest {
  @TempDir Path dir;

  @Test
  void aKillDuringEditsLosesNoBlockNoAcknowledgedEditAndLeavesNoTemporaryFiles() throws Exception {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    try {
      crashes(seed, 10);
    } catch (AssertionError | Exception e) {
      throw new AssertionError(
          "failed with seed " + seed + " (rerun: -Dtests.seed=" + seed + ")", e);
    }
  }

  private void crashes(long seed, int kills) throws Exception {
    Random r = new Random(seed);
    Path a = dir.resolve("a");
    TestAgents.create(a).close();
    List<String> acknowledged = new ArrayList<>();
    for (int k = 0; k < kills; k++) {
      Process child = ChildProcess.start("edit", a.toString(), String.valueOf(r.nextInt(1 << 20)));
      ChildProcess.Output out = new ChildProcess.Output(child.getInputStream());
      out.await("ready", Duration.ofSeconds(60));
      Thread.sleep(20 + r.nextInt(300));
      child.destroyForcibly(); // SIGKILL
      child.waitFor();
      out.join();
      acknowledged.addAll(out.lines().stream().filter(l -> l.startsWith("<")).toList());
      try (Stream<Path> s = Files.list(a.resolve("memory"))) {
        assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")))
            .as("debris in memory/ after kill " + k)
            .isEmpty();
      }
      try (Agent agent = Agent.open(a)) {
        assertThat(agent.memory().labels()).as("blocks after kill " + k).contains("human");
        String value = agent.memory().get("human").value();
        for (String token : acknowledged) {
          assertThat(value).as("acknowledged edit after kill " + k).contains(token);
        }
        assertThat(agent.validate().errors()).isEmpty();
      }
      Path scratch = a.resolve(".memdir/tmp");
      try (Stream<Path> s = Files.isDirectory(scratch) ? Files.list(scratch) : Stream.empty()) {
        assertThat(
                s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".tmp") || n.endsWith(".swap")))
            .as("temporary files of dead writers after kill " + k)
            .isEmpty();
      }
    }
    System.out.println(
        "edit crash test: seed "
            + seed
            + ", "
            + kills
            + " kills, "
            + acknowledged.size()
            + " acknowledged edits kept");
  }
}
