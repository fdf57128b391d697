package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's console output: whole group names, labelled timings, ordered categories. */
class BenchConsoleTest {
  @TempDir Path dir;

  @Test
  void theRecallTableShowsWholeNamesAndTimingsAreLabelledWallAndCpu() throws Exception {
    Path data = dir.resolve("data.json");
    Files.writeString(data, BenchCommandTest.DATA);
    String[] r =
        new BenchCommandTest()
            .run(
                "bench", "locomo", "--data", data.toString(), "--out", dir.resolve("r").toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1])
        .contains("cat 1 multi-hop ")
        .contains("cat 2 temporal ")
        .containsPattern("time: wall [\\d,]+ ms, CPU [\\d,]+ ms \\(this process")
        .containsPattern("summed over \\d+ threads?: ingest [\\d,]+ ms, index [\\d,]+ ms")
        .doesNotContain("{\"ingest_ms\"");
    assertThat(Files.readString(dir.resolve("r/recall.svg")))
        .contains(">evidence recall (%)</text>");
  }

  @Test
  void scorePrintsCategoriesInOrder() throws Exception {
    Path data = dir.resolve("data.json");
    Files.writeString(
        data,
        BenchCommandTest.DATA.replace(
            "\"category\": 4}]}]",
            "\"category\": 4},\n"
                + "  {\"question\": \"q3\", \"answer\": \"x\", \"evidence\": [\"D1:1\"], \"category\": 3},\n"
                + "  {\"question\": \"q2\", \"answer\": \"x\", \"evidence\": [\"D1:1\"], \"category\": 2},\n"
                + "  {\"question\": \"q1\", \"answer\": \"x\", \"evidence\": [\"D1:1\"], \"category\": 1}]}]"));
    Path pred = dir.resolve("pred.jsonl");
    Files.writeString(
        pred,
        "{\"sample_id\": \"t-1\", \"question_index\": 0, \"prediction\": \"tomatoes\"}\n"
            + "{\"sample_id\": \"t-1\", \"question_index\": 1, \"prediction\": \"a bicycle\"}\n");
    String[] r =
        new BenchCommandTest()
            .run(
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
    int c1 = r[1].indexOf("  cat 1 ");
    int c2 = r[1].indexOf("  cat 2 ");
    int c3 = r[1].indexOf("  cat 3 ");
    int c4 = r[1].indexOf("  cat 4 ");
    assertThat(c1).as(r[1]).isPositive();
    assertThat(new int[] {c1, c2, c3, c4}).as(r[1]).isSorted();
  }
}
