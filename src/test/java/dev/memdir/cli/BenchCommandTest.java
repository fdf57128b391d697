package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
  @TempDir Path dir;

  static final String DATA =
      """
      [{"sample_id": "t-1",
        "conversation": {"speaker_a": "Ada", "speaker_b": "Bo",
          "session_1_date_time": "10:00 am on 1 May, 2024",
          "session_1": [
            {"speaker": "Ada", "dia_id": "D1:1", "text": "I planted tomatoes in the garden."},
            {"speaker": "Bo", "dia_id": "D1:2", "text": "Nice, I bought a red bicycle."}]},
        "qa": [
          {"question": "What did Ada plant?", "answer": "tomatoes", "evidence": ["D1:1"], "category": 4},
          {"question": "What did Bo buy?", "answer": "a red bicycle", "evidence": ["D1:2"], "category": 4}]}]
      """;

  String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args,
            new ByteArrayInputStream(new byte[0]),
            new PrintWriter(out),
            new PrintWriter(err));
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void theRetrievalRunPrintsRecallAndWritesTheReport() throws Exception {
    Path data = dir.resolve("data.json");
    Files.writeString(data, DATA);
    String[] r =
        run("bench", "locomo", "--data", data.toString(), "--out", dir.resolve("run").toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1])
        .contains("2 questions (2 answered now), files layout")
        .containsPattern("overall +100.0 +100.0");
    assertThat(dir.resolve("run/report.json")).exists();
    String[] again =
        run("bench", "locomo", "--data", data.toString(), "--out", dir.resolve("run").toString());
    assertThat(again[1]).contains("2 questions (0 answered now)");
    String[] other =
        run(
            "bench",
            "locomo",
            "--data",
            data.toString(),
            "--out",
            dir.resolve("run").toString(),
            "--b",
            "0.9");
    assertThat(other[0]).isEqualTo("1");
    assertThat(other[2]).contains("holds a run with other parameters");
    String[] bad = run("bench", "locomo", "--data", data.toString(), "--layout", "sideways");
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2])
        .contains("option '--layout': must be files, history or both, got 'sideways'");
  }

  @Test
  void scoreWritesScoresAndReport() throws Exception {
    Path data = dir.resolve("data.json");
    Files.writeString(data, DATA);
    Path pred = dir.resolve("pred.jsonl");
    Files.writeString(
        pred, "{\"sample_id\": \"t-1\", \"question_index\": 0, \"prediction\": \"Tomatoes.\"}\n");
    String[] r =
        run(
            "bench",
            "locomo",
            "score",
            "--data",
            data.toString(),
            "--predictions",
            pred.toString(),
            "--out",
            dir.resolve("s").toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1])
        .contains("questions: 2 (missing predictions, scored 0: 1)")
        .contains("F1 overall: 0.5000");
    assertThat(Files.readAllLines(dir.resolve("s/scores.jsonl"))).hasSize(2);
  }

  @Test
  void fullContextModeAsksTheModelAtBaseUrlAndPrintsF1ByCategory() throws Exception {
    Path data = dir.resolve("data.json");
    Files.writeString(data, DATA);
    try (dev.memdir.llm.scripted.ScriptedServer server =
        dev.memdir.llm.scripted.ScriptedServer.start()) {
      server.enqueue(dev.memdir.llm.scripted.OpenAiReplies.text("tomatoes"));
      server.enqueue(dev.memdir.llm.scripted.OpenAiReplies.text("a blue car"));
      String[] r =
          run(
              "bench",
              "locomo",
              "--mode",
              "full-context",
              "--model",
              "openai/gpt-4o-mini",
              "--base-url",
              server.openAiBaseUrl(),
              "--data",
              data.toString(),
              "--out",
              dir.resolve("run").toString());
      assertThat(r[0]).as(r[2]).isEqualTo("0");
      assertThat(r[1])
          .contains("2 questions (2 answered now), mode full-context, model openai/gpt-4o-mini")
          .containsPattern("4 single-hop / open-domain +50.0 +100.0");
      assertThat(server.requestCount()).isEqualTo(2);
      String[] noModel = run("bench", "locomo", "--mode", "agent", "--data", data.toString());
      assertThat(noModel[0]).isEqualTo("2");
      assertThat(noModel[2]).contains("--mode agent needs --model PROVIDER/NAME");
      String[] retrieval =
          run("bench", "locomo", "--data", data.toString(), "--limit", "3", "--judge", "openai/j");
      assertThat(retrieval[0]).isEqualTo("2");
      assertThat(retrieval[2])
          .contains("--judge, --limit only work with --mode agent, full-context or oracle");
      String[] unknown = run("bench", "locomo", "--data", data.toString(), "--mode", "chat");
      assertThat(unknown[0]).isEqualTo("2");
      assertThat(unknown[2])
          .contains("'--mode': must be retrieval, agent, full-context or oracle, got 'chat'");
    }
  }
}
