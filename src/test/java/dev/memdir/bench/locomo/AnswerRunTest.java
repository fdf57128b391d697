package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memdir.Agent;
import dev.memdir.MemdirException;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnswerRunTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  final ScriptedServer server = ScriptedServer.start();
  final StringWriter log = new StringWriter();

  @AfterEach
  void stop() {
    server.close();
  }

  AnswerRun.Outcome run(AnswerRun.Mode mode, Path out, List<String> conversations, int limit) {
    AnswerRun.Params p =
        new AnswerRun.Params(mode, "openai/gpt-4o-mini", Optional.empty(), conversations, limit);
    return new AnswerRun(
            LocomoDataTest.fixture(),
            p,
            ScriptedAnswerer.model(server),
            out,
            new PrintWriter(log, true),
            1)
        .run();
  }

  List<RecordedRequest> requests() {
    List<RecordedRequest> all = new ArrayList<>();
    Optional<RecordedRequest> r;
    while ((r = server.takeRequest(Duration.ofMillis(50))).isPresent()) {
      all.add(r.get());
    }
    return all;
  }

  static double scorerF1(Path out, Path scoreDir) throws Exception {
    StringBuilder preds = new StringBuilder();
    for (JsonNode l : LocomoRunTest.results(out)) {
      preds
          .append(
              JSON.createObjectNode()
                  .put("sample_id", l.get("sample_id").asText())
                  .put("question_index", l.get("question_index").asInt())
                  .put("prediction", l.get("prediction").asText()))
          .append('\n');
    }
    Path file = out.resolve("predictions.jsonl");
    Files.writeString(file, preds.toString());
    return PredictionScorer.score(LocomoDataTest.fixture(), file, scoreDir).overall();
  }

  @Test
  void theAgentSearchesOpensAWindowAndAnswersWithTextCopiedFromIt() throws Exception {
    Path out = dir.resolve("run");
    ScriptedAnswerer.enqueue(server, 8 * 3);
    AnswerRun.Outcome o = run(AnswerRun.Mode.AGENT, out, List.of(), 0);
    assertThat(o.questionsRun()).isEqualTo(8);
    assertThat(o.report().at("/cost/model_calls").asInt()).isEqualTo(server.requestCount());
    List<JsonNode> lines = LocomoRunTest.results(out);
    assertThat(lines).hasSize(8);
    JsonNode boat = lines.get(0);
    // The answer is a turn's text copied from the window the agent opened.
    java.util.Map<String, String> turnLines =
        AnswerRun.turnLines(LocomoDataTest.fixture().conversations().get(0));
    List<String> shown = new ArrayList<>();
    boat.get("context_dia_ids").forEach(n -> shown.add(turnLines.get(n.asText())));
    assertThat(shown).anyMatch(l -> l.endsWith(": " + boat.get("prediction").asText()));
    assertThat(boat.get("tool_calls").asInt()).isEqualTo(3);
    assertThat(boat.get("ending").asText()).isEqualTo("tool");
    List<String> ctx = new ArrayList<>();
    boat.get("context_dia_ids").forEach(n -> ctx.add(n.asText()));
    assertThat(ctx).contains("D1:3");
    assertThat(boat.get("evidence_recall").asDouble()).isEqualTo(1.0);
    assertThat(boat.get("diagnosis").asText()).isIn("correct", "answer_error");
    // The F1 of the report is the official scorer's on the predictions of results.jsonl.
    assertThat(o.report().at("/f1/overall").asDouble())
        .isEqualTo(scorerF1(out, dir.resolve("scored")));
    JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
    assertThat(manifest.at("/params/prompts/agent-question.txt").asText()).hasSize(64);
    assertThat(manifest.at("/params/mode").asText()).isEqualTo("agent");
  }

  @Test
  void questionsNeverSeeEachOthersTurnsNorWriteIntoTheAgentsHistory() throws Exception {
    Path out = dir.resolve("run");
    ScriptedAnswerer.enqueue(server, 8 * 3);
    run(AnswerRun.Mode.AGENT, out, List.of(), 0);
    for (RecordedRequest r : requests()) {
      String body = r.bodyText();
      String q = ScriptedAnswerer.question(r);
      // Only this question's prompt: no other question and no other answer.
      assertThat(body.split("Short answer:", -1)).hasSize(2);
      for (JsonNode l : LocomoRunTest.results(out)) {
        if (!l.get("asked").asText().equals(q)) {
          assertThat(body).doesNotContain(l.get("asked").asText());
        }
      }
    }
    for (String id : List.of("fx-1", "fx-2")) {
      try (Agent a = Agent.open(out.resolve("agents").resolve(id))) {
        assertThat(a.messageCount()).isZero();
        assertThat(a.search().openWindows().hits()).isEmpty();
      }
    }
    assertThat(out.resolve("scratch")).isEmptyDirectory();
  }

  @Test
  void categoriesTwoAndFiveAreAskedAsLocomosCodeAsksThem() throws Exception {
    Path out = dir.resolve("run");
    ScriptedAnswerer.enqueue(server, 8 * 3);
    run(AnswerRun.Mode.AGENT, out, List.of("fx-1"), 0);
    List<JsonNode> lines = LocomoRunTest.results(out);
    assertThat(lines.get(2).get("asked").asText())
        .isEqualTo(
            "When did Ines repair the boat? Use DATE of CONVERSATION to answer with an"
                + " approximate date.");
    String five = lines.get(3).get("asked").asText();
    assertThat(five)
        .isIn(
            "What did Marek repair? Select the correct answer: (a) Not mentioned in the"
                + " conversation (b) a boat. ",
            "What did Marek repair? Select the correct answer: (a) a boat (b) Not mentioned in"
                + " the conversation. ");
  }

  @Test
  void aLetterAnswersACategoryFiveChoiceWithItsOption() {
    AnswerPrompts.Asked a = new AnswerPrompts.Asked("q", "Not mentioned in the conversation", "x");
    assertThat(a.prediction(" (a) ")).isEqualTo("Not mentioned in the conversation");
    assertThat(a.prediction("b")).isEqualTo("x");
    assertThat(a.prediction("(B)")).isEqualTo("x");
    assertThat(a.prediction("It is Not Mentioned")).isEqualTo("it is not mentioned");
    assertThat(new AnswerPrompts.Asked("q", "", "").prediction(" B ")).isEqualTo("B");
  }

  @Test
  void aRerunAndAReScoreAreAnsweredFromTheCacheWithoutAModelCall() throws Exception {
    Path out = dir.resolve("run");
    ScriptedAnswerer.enqueue(server, 8 * 3);
    AnswerRun.Outcome first = run(AnswerRun.Mode.AGENT, out, List.of(), 0);
    int calls = server.requestCount();
    List<JsonNode> before = LocomoRunTest.results(out);
    Files.delete(out.resolve("results.jsonl"));
    AnswerRun.Outcome again = run(AnswerRun.Mode.AGENT, out, List.of(), 0);
    assertThat(server.requestCount()).isEqualTo(calls);
    assertThat(again.questionsRun()).isEqualTo(8);
    List<JsonNode> after = LocomoRunTest.results(out);
    for (int i = 0; i < 8; i++) {
      assertThat(after.get(i).get("prediction")).isEqualTo(before.get(i).get("prediction"));
      assertThat(after.get(i).get("context_dia_ids"))
          .isEqualTo(before.get(i).get("context_dia_ids"));
      assertThat(after.get(i).get("cache_hits").asInt())
          .isEqualTo(before.get(i).get("model_calls").asInt())
          .isPositive();
      assertThat(after.get(i).get("model_calls").asInt()).isZero();
    }
    assertThat(again.report().get("f1")).isEqualTo(first.report().get("f1"));
  }

  @Test
  void aKilledRunResumesWithTheQuestionsItHadNotAnswered() throws Exception {
    Path out = dir.resolve("run");
    ScriptedAnswerer.enqueue(server, 8 * 3);
    AnswerRun.Outcome whole = run(AnswerRun.Mode.AGENT, out, List.of(), 0);
    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    // Killed after three questions, in the middle of writing the fourth, with no cache.
    Files.writeString(
        out.resolve("results.jsonl"),
        String.join("\n", lines.subList(0, 3)) + "\n" + lines.get(3).substring(0, 20));
    LocomoIngest.deleteTree(out.resolve("cache"));
    int calls = server.requestCount();
    ScriptedAnswerer.enqueue(server, 5 * 3);
    AnswerRun.Outcome resumed = run(AnswerRun.Mode.AGENT, out, List.of(), 0);
    assertThat(resumed.questionsRun()).isEqualTo(5);
    int expected = 0;
    for (JsonNode l : LocomoRunTest.results(out).subList(3, 8)) {
      expected += l.get("model_calls").asInt();
    }
    assertThat(server.requestCount() - calls).isEqualTo(expected).isGreaterThanOrEqualTo(10);
    assertThat(log.toString()).contains("cutting off an unfinished last line");
    assertThat(resumed.report().get("f1")).isEqualTo(whole.report().get("f1"));
    assertThat(resumed.report().get("diagnosis")).isEqualTo(whole.report().get("diagnosis"));
  }

  @Test
  void limitAndConversationsChooseTheQuestionsAndAnotherModelIsRefused() throws Exception {
    Path out = dir.resolve("run");
    ScriptedAnswerer.enqueue(server, 3 * 3);
    AnswerRun.Outcome o = run(AnswerRun.Mode.AGENT, out, List.of("fx-2"), 1);
    assertThat(o.questionsRun()).isEqualTo(1);
    assertThat(LocomoRunTest.results(out).get(0).get("sample_id").asText()).isEqualTo("fx-2");
    assertThatThrownBy(() -> run(AnswerRun.Mode.AGENT, out, List.of("fx-2"), 2))
        .isInstanceOf(MemdirException.class)
        .hasMessageContaining("other parameters");
    assertThatThrownBy(() -> run(AnswerRun.Mode.AGENT, dir.resolve("x"), List.of("fx-9"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no conversation \"fx-9\"");
  }

  @Test
  void fullContextRendersTheConversationAsLocomosCodeDoes() throws Exception {
    Path out = dir.resolve("run");
    ScriptedAnswerer.enqueue(server, 8);
    AnswerRun.Outcome o = run(AnswerRun.Mode.FULL_CONTEXT, out, List.of(), 0);
    RecordedRequest first = requests().get(0);
    String prompt = first.json().path("messages").get(0).path("content").asText();
    assertThat(prompt)
        .isEqualTo(
            "The following is a conversation between Ines and Marek that spans several days;"
                + " each session starts with the date on which it took place.\n\n"
                + "DATE: 9:15 am on 3 March, 2024\nCONVERSATION:\n"
                + "Ines said, \"I finally repaired the old sailing boat.\"\n"
                + "Marek said, \"Great! Where will you take it first?\"\n"
                + "Ines said, \"To the lake near Olsztyn, next weekend.\"\n"
                + "[shares a photo of a small white boat]\n"
                + "DATE: 6:40 pm on 17 March, 2024\nCONVERSATION:\n"
                + "Marek said, \"How was the lake trip?\"\n"
                + "Ines said, \"Windy, but we sailed for 3 hours.\"\n\n\n\n\n\n\n\n"
                + "Using the conversation above, answer the question below with a short phrase,"
                + " reusing the words of the conversation where you can.\n\n"
                + "Question: Where did Ines take the boat? Short answer:\n");
    assertThat(first.json().path("temperature").asDouble()).isZero();
    assertThat(o.report().at("/f1/overall").asDouble())
        .isEqualTo(scorerF1(out, dir.resolve("scored")));
    assertThat(o.report().at("/evidence_recall_normalized/overall").asDouble()).isEqualTo(1.0);
  }

  @Test
  void oracleShowsOnlyTheEvidenceTurns() throws Exception {
    Path out = dir.resolve("run");
    ScriptedAnswerer.enqueue(server, 2);
    run(AnswerRun.Mode.ORACLE, out, List.of("fx-2"), 0);
    String prompt = requests().get(1).json().path("messages").get(0).path("content").asText();
    assertThat(prompt).contains("Lale said, \"Lovely. I adopted a puppy called Miso.\"");
    assertThat(prompt).doesNotContain("cello");
    assertThat(LocomoRunTest.results(out).get(1).get("prediction").asText())
        .isEqualTo("Lovely. I adopted a puppy called Miso.");
  }

  @Test
  void aRetrievalMissIsToldApartFromAnAnswerError() {
    assertThat(AnswerRun.diagnosis(1.0, List.of("D1:1"), List.of())).isEqualTo("correct");
    assertThat(AnswerRun.diagnosis(0.0, List.of("D1:1"), List.of("D1:2")))
        .isEqualTo("retrieval_miss");
    assertThat(AnswerRun.diagnosis(0.2, List.of("D1:1", "D2:2"), List.of("D2:2")))
        .isEqualTo("answer_error");
    assertThat(AnswerRun.diagnosis(0.0, List.of(), List.of("D2:2"))).isEqualTo("no_evidence");
  }
}
