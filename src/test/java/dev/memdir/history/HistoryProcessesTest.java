package dev.memdir.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.Agent;
import dev.memdir.ChildProcess;
import dev.memdir.TestAgents;
import dev.memdir.format.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writers in other JVMs: two at once, and one killed with SIGKILL at random moments. */
class HistoryProcessesTest {
  @TempDir Path dir;

  @Test
  void twoProcessesAndSeveralThreadsAppendAThousandRecordsAndAllArePresent() throws Exception {
    Path a = dir.resolve("a");
    TestAgents.create(a).close();
    List<Process> children = new ArrayList<>();
    List<ChildProcess.Output> outputs = new ArrayList<>();
    for (String tag : new String[] {"p1", "p2"}) {
      Process p = ChildProcess.start("append", a.toString(), "2", "200", tag);
      children.add(p);
      outputs.add(new ChildProcess.Output(p.getInputStream()));
    }
    List<Thread> threads = new ArrayList<>();
    try (Agent agent = Agent.open(a, Duration.ofSeconds(60))) {
      for (int t = 0; t < 3; t++) {
        int thread = t;
        Thread th =
            new Thread(
                () -> {
                  for (int i = 0; i < 67 - (thread == 2 ? 1 : 0); i++) {
                    agent.history().append(Message.user("p0-" + thread + "-" + i));
                  }
                });
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) {
        th.join();
      }
    }
    for (int i = 0; i < children.size(); i++) {
      assertThat(children.get(i).waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(children.get(i).exitValue()).isZero();
      outputs.get(i).join();
      assertThat(outputs.get(i).lines()).containsExactly("done");
    }

    try (Agent agent = Agent.open(a);
        Stream<Record> all = agent.history().stream()) {
      List<String> contents = all.map(Record::content).collect(Collectors.toList());
      assertThat(contents).hasSize(1000).doesNotHaveDuplicates();
      for (String tag : new String[] {"p1-0-", "p1-1-", "p2-0-", "p2-1-"}) {
        assertThat(contents.stream().filter(c -> c.startsWith(tag))).hasSize(200);
      }
      assertThat(agent.messageCount()).isEqualTo(1000);
      assertThat(agent.validate().errors()).isEmpty();
    }
    for (String line : Files.readAllLines(onlySegment(a), StandardCharsets.UTF_8)) {
      assertThat(Record.JSON.readTree(line).get("id").asText()).hasSize(26);
    }
  }

  @Test
  void aWriterKilledAtRandomMomentsLosesNoRecordWhoseAppendReturned() throws Exception {
    long seed = Long.getLong("tests.seed", new Random().nextLong());
    try {
      crashTrials(seed);
    } catch (AssertionError | Exception e) {
      throw new AssertionError(
          "failed with seed " + seed + " (rerun: -Dtests.seed=" + seed + ")", e);
    }
  }

  private void crashTrials(long seed) throws Exception {
    Random r = new Random(seed);
    Path a = dir.resolve("crash");
    TestAgents.create(a).close();
    Files.writeString(
        a.resolve("agent.yaml"),
        Files.readString(a.resolve("agent.yaml"))
            .replace("durability: turn", "durability: always"));
    Set<String> acknowledged = new HashSet<>();
    int torn = 0;
    for (int trial = 0; trial < 20; trial++) {
      Process p = ChildProcess.start("crash", a.toString(), Long.toString(r.nextLong()));
      ChildProcess.Output out = new ChildProcess.Output(p.getInputStream());
      out.await("ready", Duration.ofSeconds(30));
      // Killed at a random moment while it appends: after its first acknowledged record (a cold
      // first append can take longer than the whole random wait on a loaded machine).
      out.awaitLines(2, Duration.ofSeconds(30));
      Thread.sleep(r.nextInt(250));
      p.destroyForcibly(); // SIGKILL
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      out.join();
      out.lines().stream().filter(l -> !l.equals("ready")).forEach(acknowledged::add);

      try (Agent agent = Agent.open(a)) {
        torn += agent.history().warnings().size();
        for (Problem w : agent.history().warnings()) {
          assertThat(w.toString()).contains("set aside in history/quarantine/");
        }
        Set<String> present;
        try (Stream<Record> all = agent.history().stream()) {
          present = all.map(Record::id).collect(Collectors.toSet());
        }
        assertThat(present).as("trial %d", trial).containsAll(acknowledged);
        assertThat(agent.messageCount()).isEqualTo(present.size());
        assertThat(agent.validate().errors()).as("trial %d", trial).isEmpty();
      }
    }
    assertThat(acknowledged).isNotEmpty();
    System.out.println(
        "crash test: seed "
            + seed
            + ", "
            + acknowledged.size()
            + " acknowledged records, "
            + torn
            + " torn tail(s) set aside");
  }

  private static Path onlySegment(Path agent) throws Exception {
    try (Stream<Path> s = Files.list(agent.resolve("history"))) {
      List<Path> segs = s.filter(p -> p.toString().endsWith(".jsonl")).collect(Collectors.toList());
      assertThat(segs).hasSize(1);
      return segs.get(0);
    }
  }
}
