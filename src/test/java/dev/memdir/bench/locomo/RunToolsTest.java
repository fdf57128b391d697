package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.FormatException;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunToolsTest {
  @TempDir Path dir;
  final ScriptedServer server = ScriptedServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  AnswerRun runner(AnswerRun.Mode mode, Path out) {
    return new AnswerRun(
        LocomoDataTest.fixture(),
        new AnswerRun.Params(mode, "openai/gpt-4o-mini", Optional.empty(), List.of(), 0),
        ScriptedAnswerer.model(server),
        out,
        new PrintWriter(new StringWriter(), true),
        1);
  }

  @Test
  void compareShowsPerCategoryDeltasAndTheQuestionsThatFlipped() throws Exception {
    for (int i = 0; i < 8; i++) {
      server.enqueue(ScriptedReply.computed(ScriptedAnswerer::reply));
    }
    Path a = dir.resolve("a");
    runner(AnswerRun.Mode.FULL_CONTEXT, a).run();
    for (int i = 0; i < 8; i++) {
      server.enqueue(OpenAiReplies.text("Not mentioned in the conversation"));
    }
    Path b = dir.resolve("b");
    runner(AnswerRun.Mode.ORACLE, b).run();
    int toWrong = 0;
    int toRight = 0;
    List<JsonNode> la = LocomoRunTest.results(a);
    List<JsonNode> lb = LocomoRunTest.results(b);
    for (int i = 0; i < 8; i++) {
      boolean ca = la.get(i).get("f1").asDouble() >= 0.5;
      boolean cb = lb.get(i).get("f1").asDouble() >= 0.5;
      toWrong += ca && !cb ? 1 : 0;
      toRight += !ca && cb ? 1 : 0;
    }
    assertThat(toRight).isEqualTo(1); // category 5: "not mentioned" is its right answer
    String text = RunCompare.compare(a, b);
    assertThat(text)
        .contains("8 questions in both")
        .contains("full-context, openai/gpt-4o-mini")
        .contains("oracle, openai/gpt-4o-mini")
        .contains("flipped (correct: F1 >= 0.5): 1 to correct (+), " + toWrong + " to wrong (-)")
        .contains("+ fx-1 q3 cat 5: What did Marek repair?")
        .containsPattern("5 adversarial / adversarial +0\\.0 +100\\.0 +\\+100\\.0 +1");
    assertThatThrownBy(() -> RunCompare.compare(a, dir.resolve("none")))
        .hasMessageContaining("no such file");
  }

  @Test
  void anAnswerKeyRescoresWithTheCorrectedGoldAndReportsBothKeys() throws Exception {
    for (int i = 0; i < 8; i++) {
      server.enqueue(OpenAiReplies.text("the cello"));
    }
    Path key = dir.resolve("key.jsonl");
    // Pretend the gold of "What is the name of Lale's puppy?" were wrong.
    Files.writeString(
        key, "{\"sample_id\": \"fx-2\", \"question_index\": 1, \"answer\": \"the cello\"}\n");
    Path out = dir.resolve("run");
    JsonNode r = runner(AnswerRun.Mode.FULL_CONTEXT, out).withAnswerKey(key).run().report();
    JsonNode k = r.get("answer_key");
    assertThat(k.get("corrections").asInt()).isEqualTo(1);
    assertThat(k.get("sha256").asText()).hasSize(64);
    // fx-2 q0 ("cello") is right under both keys; q1 only under the corrected one.
    assertThat(r.at("/f1/by_category/4").asDouble() * 4).isCloseTo(1.0, within());
    assertThat(k.at("/f1/by_category/4").asDouble() * 4).isCloseTo(2.0, within());
    Files.writeString(key, "{\"sample_id\": \"fx-2\", \"question_index\": 1}\n");
    assertThatThrownBy(() -> AnswerKey.read(key, LocomoDataTest.fixture()))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("key.jsonl:1");
    Files.writeString(
        key, "\n{\"sample_id\": \"fx-2\", \"question_index\": 7, \"answer\": \"x\"}\n");
    assertThatThrownBy(() -> AnswerKey.read(key, LocomoDataTest.fixture()))
        .hasMessageContaining("key.jsonl:2")
        .hasMessageContaining("no question fx-2 qa[7]");
  }

  @Test
  void theCostComesFromThePriceFileInTheRunFolderAndAnEditRepricesARescore() throws Exception {
    for (int i = 0; i < 8; i++) {
      server.enqueue(OpenAiReplies.text("x", 1_000_000, 500_000));
    }
    Path out = dir.resolve("run");
    JsonNode cost = runner(AnswerRun.Mode.FULL_CONTEXT, out).run().report().get("cost");
    assertThat(cost.get("tokens_in").asLong()).isEqualTo(8_000_000);
    assertThat(cost.get("usd").asDouble()).isCloseTo(8 * 0.15 + 4 * 0.60, within());
    String prices = Files.readString(out.resolve("prices.json"));
    Files.writeString(
        out.resolve("prices.json"),
        prices.replace("\"input\": 0.15, \"output\": 0.60", "\"input\": 1, \"output\": 2"));
    Files.delete(out.resolve("results.jsonl"));
    int calls = server.requestCount();
    JsonNode again = runner(AnswerRun.Mode.FULL_CONTEXT, out).run().report().get("cost");
    assertThat(server.requestCount()).isEqualTo(calls);
    assertThat(again.get("usd").asDouble()).isCloseTo(8 * 1 + 4 * 2, within());
  }

  @Test
  void parallelWorkersWaitOutARateLimitTogetherAndEveryQuestionIsAnswered() throws Exception {
    server.enqueue(OpenAiReplies.rateLimited(0));
    for (int i = 0; i < 8; i++) {
      server.enqueue(OpenAiReplies.text("Not mentioned"));
    }
    Path out = dir.resolve("run");
    SharedBackoff backoff =
        new SharedBackoff(java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(100));
    JsonNode r =
        new AnswerRun(
                LocomoDataTest.fixture(),
                new AnswerRun.Params(
                    AnswerRun.Mode.FULL_CONTEXT,
                    "openai/gpt-4o-mini",
                    Optional.empty(),
                    List.of(),
                    0),
                ScriptedAnswerer.model(server),
                out,
                new PrintWriter(new StringWriter(), true),
                4)
            .withBackoff(backoff)
            .run()
            .report();
    assertThat(r.get("questions").asInt()).isEqualTo(8);
    assertThat(server.requestCount()).isEqualTo(9);
    assertThat(r.at("/cost/rate_limit_waits").asInt()).isEqualTo(1);
    assertThat(LocomoRunTest.results(out)).hasSize(8);
  }

  static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
