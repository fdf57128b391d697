package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgeTest {
  private static final Pattern GOLD =
      Pattern.compile("Gold answer: (.*)\nGenerated answer: (.*)\n");
  @TempDir Path dir;
  final ScriptedServer answers = ScriptedServer.start();
  final ScriptedServer judge = ScriptedServer.start();

  @AfterEach
  void stop() {
    answers.close();
    judge.close();
  }

  /** A scripted judge: CORRECT when the generated answer contains the gold answer. */
  static ScriptedReply strictJudge(RecordedRequest r) {
    String prompt = r.json().path("messages").get(0).path("content").asText();
    Matcher m = GOLD.matcher(prompt);
    assertThat(m.find()).as(prompt).isTrue();
    boolean ok = m.group(2).toLowerCase(Locale.ROOT).contains(m.group(1).toLowerCase(Locale.ROOT));
    return OpenAiReplies.text(
        "The answer "
            + (ok ? "states" : "misses")
            + " the fact. {\"label\": \""
            + (ok ? "CORRECT" : "WRONG")
            + "\"}");
  }

  JsonNode run(Path out, String prompt, int runs, Function<RecordedRequest, ScriptedReply> j) {
    for (int i = 0; i < 8; i++) {
      answers.enqueue(ScriptedReply.computed(ScriptedAnswerer::reply));
    }
    for (int i = 0; i < runs * (7 + 12); i++) {
      judge.enqueue(ScriptedReply.computed(j));
    }
    AnswerRun.Params p =
        new AnswerRun.Params(
            AnswerRun.Mode.FULL_CONTEXT, "openai/gpt-4o-mini", Optional.empty(), List.of(), 0);
    return new AnswerRun(
            LocomoDataTest.fixture(),
            p,
            ScriptedAnswerer.model(answers),
            out,
            new PrintWriter(new StringWriter(), true),
            1)
        .judgedBy(new Judge(ScriptedAnswerer.model(judge), prompt, runs, out.resolve("cache")))
        .run()
        .report();
  }

  @Test
  void theJudgeScoresCategoriesOneToFourAndItsLeniencyIsPrintedBesideJ() throws Exception {
    Path out = dir.resolve("run");
    JsonNode r = run(out, "strict", 1, JudgeTest::strictJudge);
    JsonNode j = r.get("judge");
    assertThat(j.get("questions").asInt()).isEqualTo(7);
    assertThat(judge.requestCount()).isEqualTo(7 + 12);
    List<String> judged = Files.readAllLines(out.resolve("judgements.jsonl"));
    assertThat(judged).hasSize(7);
    int contain = 0;
    for (JsonNode l : LocomoRunTest.results(out)) {
      String pred = l.get("prediction").asText().toLowerCase(Locale.ROOT);
      if (l.get("category").asInt() <= 4
          && pred.contains(l.get("answer").asText().toLowerCase(Locale.ROOT))) {
        contain++;
      }
    }
    assertThat(contain).isPositive();
    assertThat(j.get("j_mean").asDouble()).isEqualTo(contain / 7.0);
    assertThat(j.at("/leniency/accepted").asInt()).isZero();
    assertThat(j.at("/leniency/judged").asInt()).isEqualTo(12);
    assertThat(j.get("prompt").asText()).isEqualTo("judge-strict.txt");
    assertThat(Files.readString(out.resolve("report.md")))
        .contains("accepts 0 of 12 vague wrong answers");
    // A re-score asks neither model again.
    int answerCalls = answers.requestCount();
    JsonNode again = run(out, "strict", 1, JudgeTest::strictJudge);
    assertThat(judge.requestCount()).isEqualTo(7 + 12);
    assertThat(answers.requestCount()).isEqualTo(answerCalls);
    assertThat(again.get("judge")).isEqualTo(j);
  }

  @Test
  void aJudgeThatAcceptsEverythingShowsFullLeniencyAndRunsGiveMeanAndSd() {
    AtomicInteger n = new AtomicInteger();
    JsonNode j =
        run(
                dir.resolve("run"),
                "mem0",
                3,
                req ->
                    OpenAiReplies.text(
                        n.incrementAndGet() % 3 == 0 ? "WRONG" : "Same topic. CORRECT"))
            .get("judge");
    assertThat(judge.requestCount()).isEqualTo(3 * 19);
    assertThat(j.get("runs").asInt()).isEqualTo(3);
    double[] perRun = new double[3];
    for (int i = 0; i < 3; i++) {
      perRun[i] = j.get("j_per_run").get(i).asDouble();
    }
    assertThat(j.get("j_mean").asDouble()).isEqualTo(Judge.mean(perRun));
    assertThat(j.get("j_sd").asDouble()).isEqualTo(Judge.sd(perRun)).isPositive();
    assertThat(j.at("/leniency/rate").asDouble()).isGreaterThan(0.5);
  }

  @Test
  void aLabelIsReadFromJsonOrFromTheOnlyWordGiven() {
    assertThat(Judge.label("It matches. {\"label\": \"CORRECT\"}")).contains(true);
    assertThat(Judge.label("Not CORRECT at all: {\"label\":\"WRONG\"}")).contains(false);
    assertThat(Judge.label("wrong")).contains(false);
    assertThat(Judge.label("CORRECT or WRONG?")).isEmpty();
    assertThat(Judge.label("no idea")).isEmpty();
  }

  @Test
  void anUnknownJudgePromptIsRefused() {
    assertThatThrownBy(() -> new Judge(ScriptedAnswerer.model(judge), "lenient", 1, dir))
        .hasMessageContaining("--judge-prompt must be mem0 or strict");
  }
}
