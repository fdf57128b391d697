package dev.memdir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.format.Problem;
import dev.memdir.history.Message;
import dev.memdir.memory.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentHistoryTest {
  @TempDir Path dir;

  @BeforeEach
  void setUp() {
    TestAgents.create(dir).close();
  }

  @Test
  void theMessageCountIsTheNumberOfHistoryRecords() {
    try (Agent agent = Agent.open(dir)) {
      assertThat(agent.messageCount()).isZero();
      agent.history().append(Message.user("Hi"));
      agent.history().append(Message.assistant("Hello"));
      assertThat(agent.messageCount()).isEqualTo(2);
    }
  }

  @Test
  void aTurnHoldsTheWriteLockAndOtherWritersWaitForIt() throws Exception {
    try (Agent chat = Agent.open(dir)) {
      try (Agent.Turn turn = chat.turn()) {
        chat.history().append(Message.user("Hi"));
        chat.memory().append(Actor.AGENT, "human", "Says hi."); // the turn's own writes go through
        CompletableFuture<Throwable> other =
            CompletableFuture.supplyAsync(
                () -> {
                  try (Agent cli = Agent.open(dir, Duration.ofMillis(150))) {
                    cli.memory().append(Actor.PERSON, "human", "From the command line.");
                    return null;
                  } catch (Throwable e) {
                    return e;
                  }
                });
        assertThat(other.get())
            .isInstanceOf(AgentBusyException.class)
            .hasMessageStartingWith("agent is in use by process " + ProcessHandle.current().pid());
      }
      // Between turns (the chat waits for the user) another writer gets in at once.
      CompletableFuture<Throwable> other =
          CompletableFuture.supplyAsync(
              () -> {
                try (Agent cli = Agent.open(dir, Duration.ZERO)) {
                  cli.memory().append(Actor.PERSON, "human", "From the command line.");
                  return null;
                } catch (Throwable e) {
                  return e;
                }
              });
      assertThat(other.get()).isNull();
      assertThat(chat.memory().get("human").value()).endsWith("Says hi.\nFrom the command line.");
    }
  }

  @Test
  void validateReportsHistoryProblemsWithFileAndLine() throws Exception {
    try (Agent agent = Agent.open(dir)) {
      agent.history().append(Message.user("fine"));
    }
    Path seg;
    try (Stream<Path> s = Files.list(dir.resolve("history"))) {
      seg = s.findFirst().orElseThrow();
    }
    Files.writeString(seg, "oops\n", StandardOpenOption.APPEND);
    Validation v = Agent.validate(dir);
    assertThat(v.errors())
        .extracting(Problem::toString)
        .singleElement()
        .asString()
        .startsWith("history/" + seg.getFileName() + ":2: not JSON: Unrecognized token 'oops'");
  }

  @Test
  void deletingTheDerivedFolderLosesNothing() throws Exception {
    try (Agent agent = Agent.open(dir)) {
      for (int i = 0; i < 5; i++) {
        agent.history().append(Message.user("m" + i));
      }
      agent.memory().append(Actor.AGENT, "human", "Likes tea.");
      assertThat(agent.messageCount()).isEqualTo(5);
    }
    try (Stream<Path> s = Files.walk(dir.resolve(".memdir"))) {
      for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
    try (Agent agent = Agent.open(dir)) {
      assertThat(agent.messageCount()).isEqualTo(5);
      assertThat(agent.history().tail(1).get(0).content()).isEqualTo("m4");
      agent.history().append(Message.user("m5"));
      assertThat(agent.messageCount()).isEqualTo(6);
      assertThat(agent.validate().errors()).isEmpty();
    }
    assertThat(dir.resolve(".memdir/lock")).exists();
  }

  @Test
  void aClosedAgentCannotAppend() {
    Agent agent = Agent.open(dir);
    agent.close();
    assertThatThrownBy(() -> agent.history().append(Message.user("late")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the history log is closed");
  }
}
