package dev.memdir.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.Agent;
import dev.memdir.LlmException;
import dev.memdir.TestAgents;
import dev.memdir.history.Record;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small context window fills up, is summarised, and nothing is deleted. */
class OverflowTest {
  @TempDir Path dir;
  ScriptedServer server;
  final List<RecordedRequest> summaryRequests = new ArrayList<>();
  final List<RecordedRequest> stepRequests = new ArrayList<>();
  final AtomicInteger summaries = new AtomicInteger();
  volatile boolean failSummaries;

  @BeforeEach
  void setUp() throws Exception {
    TestAgents.create(dir).close();
    Files.writeString(
        dir.resolve("agent.yaml"),
        "name: small\nmodel: openai/gpt-4o-mini\ncontext_window: 1200\ntools: [memory_insert]\n");
    server = ScriptedServer.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  /** A model that summarises when asked to and otherwise answers "reply N". */
  private ScriptedReply model() {
    return ScriptedReply.computed(
        req -> {
          boolean summary = Scripted.system(req).startsWith("You summarise");
          if (summary) {
            summaryRequests.add(req);
            if (failSummaries) {
              return OpenAiReplies.serverError();
            }
            return OpenAiReplies.text("SUMMARY " + summaries.incrementAndGet() + ": topics.");
          }
          stepRequests.add(req);
          return OpenAiReplies.text("reply " + stepRequests.size());
        });
  }

  private void turns(Agent agent, int from, int to) {
    turns(agent, from, to, 12);
  }

  private void turns(Agent agent, int from, int to, int words) {
    for (int i = from; i <= to; i++) {
      server.enqueue(model());
      server.enqueue(model()); // spare, in case the turn summarises first
      agent.send(
          "Topic " + i + ": " + "words about this topic ".repeat(words), Scripted.openAi(server));
    }
  }

  private List<Record> history() {
    try (Agent a = Agent.open(dir);
        Stream<Record> s = a.history().stream()) {
      return s.collect(Collectors.toList());
    }
  }

  @Test
  void aFullWindowIsSummarisedIntoARecordAndTheNextRequestHoldsTheSummaryAndWhatFollows() {
    try (Agent agent = Agent.open(dir)) {
      turns(agent, 1, 12);
    }
    List<Record> h = history();
    List<Record> sums = h.stream().filter(r -> r.role().equals("summary")).toList();
    assertThat(sums).isNotEmpty();
    // Nothing was deleted: every user message and reply is still there.
    assertThat(h.stream().filter(r -> r.role().equals("user")).count()).isEqualTo(12);
    assertThat(h.stream().filter(r -> r.role().equals("assistant")).count()).isEqualTo(12);

    Record first = sums.get(0);
    assertThat(first.covers().orElseThrow().from()).isEqualTo(h.get(0).id());
    assertThat(summaryRequests.get(0).json().has("tools")).isFalse();
    String asked = summaryRequests.get(0).json().path("messages").path(1).path("content").asText();
    assertThat(asked)
        .startsWith("Messages to summarise, oldest first:\n")
        .contains("] user: Topic 1:");

    // The request after the last summary: the summary first, then the records after its range.
    Record last = sums.get(sums.size() - 1);
    int afterCovered = indexOf(h, last.covers().orElseThrow().to()) + 1;
    List<String> expected = new ArrayList<>();
    expected.add(
        "user: [Summary of the earlier conversation, which no longer fits in the context"
            + " window; conversation_search finds those messages in full.]\n"
            + last.content());
    for (Record r : h.subList(afterCovered, h.size() - 1)) {
      if (!r.role().equals("summary")) {
        expected.add(r.role() + ": " + r.content());
      }
    }
    RecordedRequest lastRequest = stepRequests.get(stepRequests.size() - 1);
    assertThat(Scripted.conversation(lastRequest)).containsExactlyElementsOf(expected);

    if (sums.size() > 1) {
      // A later summary folds in the earlier one and covers its range too.
      assertThat(sums.get(1).covers().orElseThrow().from()).isEqualTo(h.get(0).id());
      assertThat(summaryRequests.get(1).json().path("messages").path(1).path("content").asText())
          .startsWith("Previous summary:\n" + first.content());
    }
  }

  @Test
  void aNewProcessLoadsTheSameWindowFromTheHistory() {
    int n = 0;
    try (Agent agent = Agent.open(dir)) {
      while (summaries.get() == 0) {
        n++;
        turns(agent, n, n);
      }
      n++;
      turns(agent, n, n, 2); // short turns now, far from the threshold
    }
    List<String> inProcess = Scripted.conversation(stepRequests.get(stepRequests.size() - 1));
    try (Agent agent = Agent.open(dir)) {
      turns(agent, n + 1, n + 1, 2);
    }
    assertThat(summaries.get()).isEqualTo(1);
    List<String> fresh = Scripted.conversation(stepRequests.get(stepRequests.size() - 1));
    // The window read back from the files is the one the first process had, plus its last turn.
    assertThat(fresh.subList(0, inProcess.size())).isEqualTo(inProcess);
    assertThat(fresh.get(0)).startsWith("user: [Summary of the earlier conversation");
    assertThat(fresh.get(fresh.size() - 1)).startsWith("user: Topic " + (n + 1) + ":");
  }

  @Test
  void whenSummarisingFailsTheTurnStopsWithAClearErrorAndNothingIsLost() {
    try (Agent agent = Agent.open(dir)) {
      failSummaries = true;
      int before = -1;
      LlmException failure = null;
      for (int i = 1; i <= 20 && failure == null; i++) {
        before = history().size();
        try {
          turns(agent, i, i);
        } catch (LlmException e) {
          failure = e;
        }
      }
      assertThat(failure).isNotNull();
      assertThat(failure.getMessage())
          .startsWith("could not summarise the oldest ")
          .contains("(3 tries): openai/gpt-4o-mini:")
          .endsWith(
              "Nothing was lost: the history is unchanged and the next turn tries again; or"
                  + " raise context_window in agent.yaml");
      assertThat(summaryRequests).hasSize(3);
      List<Record> h = history();
      assertThat(h).hasSize(before + 2); // the user's message and the error record, no summary
      assertThat(h.get(h.size() - 2).role()).isEqualTo("user");
      assertThat(h.get(h.size() - 1).field("unanswered").map(u -> u.asText()))
          .contains(h.get(h.size() - 2).id());
      failSummaries = false;
      turns(agent, 99, 99);
    }
    assertThat(history().stream().filter(r -> r.role().equals("summary")).count()).isEqualTo(1);
  }

  @Test
  void aWindowThatCannotFitEvenAfterSummarisingIsAClearError() throws Exception {
    Files.writeString(
        dir.resolve("agent.yaml"),
        "name: tiny\nmodel: openai/gpt-4o-mini\ncontext_window: 300\ntools: [memory_insert]\n");
    try (Agent agent = Agent.open(dir)) {
      assertThatThrownBy(() -> agent.send("hello", Scripted.openAi(server)))
          .hasMessageStartingWith("the context window is full: ")
          .hasMessageContaining("do not fit in context_window 300 of agent.yaml");
    }
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void aPromptTheModelFindsTooLongIsSummarisedOnceAndSentAgain() {
    try (Agent agent = Agent.open(dir)) {
      for (int i = 1; i <= 3; i++) {
        server.enqueue(model());
        agent.send("Topic " + i + ": short.", Scripted.openAi(server));
      }
      assertThat(summaries.get()).isZero();
      server.enqueue(
          OpenAiReplies.error(
              400,
              "This model's maximum context length is 1000 tokens. However, your messages"
                  + " resulted in 1210 tokens.",
              "invalid_request_error",
              "context_length_exceeded"));
      server.enqueue(model()); // the summary
      server.enqueue(model()); // the step again
      Reply r = agent.send("Topic 4: short.", Scripted.openAi(server));
      assertThat(r.text()).startsWith("reply ");
      assertThat(r.steps().get(0).summaries()).isEqualTo(1);
    }
    assertThat(summaries.get()).isEqualTo(1);
    assertThat(Scripted.conversation(stepRequests.get(stepRequests.size() - 1)).get(0))
        .startsWith("user: [Summary of the earlier conversation");
  }

  private static int indexOf(List<Record> h, String id) {
    for (int i = 0; i < h.size(); i++) {
      if (h.get(i).id().equals(id)) {
        return i;
      }
    }
    throw new AssertionError("no record " + id);
  }
}
