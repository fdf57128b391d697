package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.MemdirException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocomoRunTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  final StringWriter log = new StringWriter();

  LocomoRun.Outcome run(LocomoData data, RunParams params, Path out) {
    return new LocomoRun(data, params, out, new PrintWriter(log, true), false).run();
  }

  /** The line of question {@code index} of conversation {@code sampleId}. */
  static JsonNode line(List<JsonNode> lines, String sampleId, int index) {
    return lines.stream()
        .filter(
            l ->
                l.get("sample_id").asText().equals(sampleId)
                    && l.get("question_index").asInt() == index)
        .findFirst()
        .orElseThrow();
  }

  static List<JsonNode> results(Path out) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(out.resolve("results.jsonl"))) {
      lines.add(JSON.readTree(l));
    }
    return lines;
  }

  @Test
  void conversationsRunMostWorkFirstWithTiesInDataOrder() {
    List<LocomoData.Conversation> cs = LocomoDataTest.fixture().conversations();
    // fx-1: 5 turns and 6 questions; fx-2: 2 turns and 2 questions.
    List<LocomoData.Conversation> reversed = new ArrayList<>(cs);
    java.util.Collections.reverse(reversed);
    assertThat(LocomoRun.largestFirst(reversed))
        .extracting(LocomoData.Conversation::sampleId)
        .containsExactly("fx-1", "fx-2");
    assertThat(LocomoRun.largestFirst(List.of(cs.get(1), cs.get(1), cs.get(0))))
        .extracting(LocomoData.Conversation::sampleId)
        .containsExactly("fx-1", "fx-2", "fx-2");
  }

  @Test
  void aTurnHoldingASpecialTokenMarkerIsCountedAsText() throws Exception {
    String json =
        LocomoFixture.JSON.replace(
            "Lovely. I adopted a puppy called Miso.",
            "Lovely. <|endoftext|> I adopted a puppy called Miso.");
    assertThat(json).contains("<|endoftext|>");
    Path out = dir.resolve("run");
    LocomoRun.Outcome o =
        run(
            LocomoData.parse(json.getBytes(StandardCharsets.UTF_8), "special.json"),
            RunParams.defaults(),
            out);
    assertThat(o.questionsRun()).isEqualTo(8);
    JsonNode puppy = line(results(out), "fx-2", 1);
    // Both of fx-2's turns, the marker's seven characters counted like any other text.
    com.knuddels.jtokkit.api.Encoding cl100k =
        com.knuddels.jtokkit.Encodings.newLazyEncodingRegistry()
            .getEncoding(com.knuddels.jtokkit.api.EncodingType.CL100K_BASE);
    int expected =
        cl100k.countTokensOrdinary("Tomo: I started learning the cello this month.")
            + cl100k.countTokensOrdinary(
                "Lale: Lovely. <|endoftext|> I adopted a puppy called Miso.");
    assertThat(puppy.at("/tokens/5").asInt()).isEqualTo(expected);
  }

  @Test
  void everyQuestionGetsOneRankingCutAtEachK() throws Exception {
    Path out = dir.resolve("run");
    LocomoRun.Outcome o = run(LocomoDataTest.fixture(), RunParams.defaults(), out);
    assertThat(o.questionsRun()).isEqualTo(8);
    List<JsonNode> lines = results(out);
    assertThat(lines).hasSize(8);
    for (JsonNode l : lines) {
      List<String> r50 = new ArrayList<>();
      l.at("/retrieved/50").forEach(n -> r50.add(n.asText()));
      List<String> r5 = new ArrayList<>();
      l.at("/retrieved/5").forEach(n -> r5.add(n.asText()));
      assertThat(r50.subList(0, r5.size())).isEqualTo(r5);
      // fx-1 has 5 turns, fx-2 has 2: every list holds min(k, turns) distinct turns.
      int turns = l.get("sample_id").asText().equals("fx-1") ? 5 : 2;
      assertThat(r5).hasSize(Math.min(5, turns)).doesNotHaveDuplicates();
      assertThat(r50).hasSize(turns);
    }
    JsonNode boat = line(lines, "fx-1", 0);
    assertThat(boat.get("speaker").asText()).isEqualTo("Ines");
    assertThat(boat.at("/retrieved/5").toString()).contains("\"D1:3\"");
    assertThat(boat.at("/recall/5").asDouble()).isEqualTo(1.0);
    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(report.get("questions").asInt()).isEqualTo(8);
    assertThat(report.at("/recall/overall/50").asDouble())
        .isEqualTo(o.report().recall("overall", 50));
    // "D1:1; D2:2" is one raw evidence string that never matches; normalised it is found.
    assertThat(report.at("/recall/by_category/2/50").asDouble()).isZero();
    assertThat(report.at("/recall_normalized/by_category/2/50").asDouble()).isEqualTo(1.0);
    assertThat(Files.readString(out.resolve("report.md"))).contains("DRAGON");
    assertThat(Files.readString(out.resolve("recall.svg"))).startsWith("<svg");
    JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
    assertThat(manifest.at("/data/sha256").asText()).isEqualTo(LocomoDataTest.fixture().sha256());
    assertThat(manifest.at("/params/layout").asText()).isEqualTo("files");
  }

  @Test
  void aResumedRunSkipsAnsweredQuestionsAndEndsWithTheSameNumbers() throws Exception {
    Path full = dir.resolve("full");
    JsonNode expected = run(LocomoDataTest.fixture(), RunParams.defaults(), full).reportJson();
    Path out = dir.resolve("resumed");
    run(LocomoDataTest.fixture(), RunParams.defaults(), out);
    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    // Killed after five questions, in the middle of writing the sixth line.
    String torn = lines.get(5).substring(0, 20);
    Files.writeString(
        out.resolve("results.jsonl"),
        String.join("\n", lines.subList(0, 5)) + "\n" + torn,
        StandardCharsets.UTF_8);
    LocomoRun.Outcome o = run(LocomoDataTest.fixture(), RunParams.defaults(), out);
    assertThat(o.questionsRun()).isEqualTo(3);
    assertThat(log.toString())
        .contains("resuming")
        .contains("cutting off an unfinished last line")
        .doesNotContain("note: the earlier part");
    assertThat(results(out)).hasSize(8);
    assertThat(o.reportJson().get("recall")).isEqualTo(expected.get("recall"));
    assertThat(o.reportJson().get("recall_normalized"))
        .isEqualTo(expected.get("recall_normalized"));
  }

  @Test
  void theManifestNamesTheBuildAndAResumeByAnotherBuildSaysSo() throws Exception {
    Path out = dir.resolve("run");
    run(LocomoDataTest.fixture(), RunParams.defaults(), out);
    ObjectNode manifest = (ObjectNode) JSON.readTree(out.resolve("manifest.json").toFile());
    assertThat(manifest.get("memdir_commit").asText())
        .isEqualTo(dev.memdir.Version.commit().orElse("unknown"));
    assertThat(manifest.has("git_commit")).isFalse();
    manifest.put("memdir_commit", "0123456789abcdef0123456789abcdef01234567");
    Files.writeString(out.resolve("manifest.json"), manifest.toString());
    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    Files.writeString(
        out.resolve("results.jsonl"),
        String.join("\n", lines.subList(0, 4)) + "\n",
        StandardCharsets.UTF_8);
    LocomoRun.Outcome o = run(LocomoDataTest.fixture(), RunParams.defaults(), out);
    assertThat(o.questionsRun()).isEqualTo(4);
    assertThat(log.toString())
        .contains(
            "note: the earlier part of this run was made by memdir "
                + dev.memdir.Version.get()
                + " (commit 0123456789abcdef0123456789abcdef01234567")
        .contains(", this part by memdir " + dev.memdir.Version.get() + " (commit ");
  }

  @Test
  void anInterruptedIngestIsRedone() throws Exception {
    Path out = dir.resolve("run");
    run(LocomoDataTest.fixture(), RunParams.defaults(), out);
    ObjectNode state = (ObjectNode) JSON.readTree(out.resolve("ingest.json").toFile());
    state.remove("fx-2");
    Files.writeString(out.resolve("ingest.json"), state.toString());
    Files.delete(out.resolve("agents/fx-2/files/session-01_2023-06-20.md"));
    Files.writeString(out.resolve("results.jsonl"), "");
    LocomoRun.Outcome o = run(LocomoDataTest.fixture(), RunParams.defaults(), out);
    assertThat(log.toString()).contains("redoing the interrupted ingest of fx-2");
    assertThat(out.resolve("agents/fx-2/files/session-01_2023-06-20.md")).exists();
    assertThat(o.questionsRun()).isEqualTo(8);
  }

  @Test
  void filesThatDidNotSurviveAreIngestedAgain() throws Exception {
    Path out = dir.resolve("run");
    run(LocomoDataTest.fixture(), RunParams.defaults(), out);
    Files.writeString(out.resolve("agents/fx-1/files/session-02_2024-03-17.md"), "");
    Files.writeString(out.resolve("results.jsonl"), "");
    run(LocomoDataTest.fixture(), RunParams.defaults(), out);
    assertThat(log.toString()).contains("the files of fx-1 changed since they were ingested");
    assertThat(Files.readString(out.resolve("agents/fx-1/files/session-02_2024-03-17.md")))
        .contains("Windy");
  }

  @Test
  void otherParametersOrOtherDataAreRefused() {
    Path out = dir.resolve("run");
    run(LocomoDataTest.fixture(), RunParams.defaults(), out);
    RunParams other =
        new RunParams(
            LocomoIngest.Layout.HISTORY,
            RunParams.DEFAULT_KS,
            RunParams.defaults().search(),
            true,
            true,
            true);
    assertThatThrownBy(() -> run(LocomoDataTest.fixture(), other, out))
        .isInstanceOf(MemdirException.class)
        .hasMessageContaining("holds a run with other parameters");
    LocomoData smaller =
        LocomoData.parse(
            LocomoFixture.JSON.replace("Miso", "Mochi").getBytes(StandardCharsets.UTF_8),
            "other.json");
    assertThatThrownBy(() -> run(smaller, RunParams.defaults(), out))
        .hasMessageContaining("holds a run on another data file");
  }

  @Test
  void theHistoryLayoutRetrievesThroughConversationSearch() throws Exception {
    Path out = dir.resolve("run");
    RunParams history =
        new RunParams(
            LocomoIngest.Layout.HISTORY,
            RunParams.DEFAULT_KS,
            RunParams.defaults().search(),
            true,
            true,
            true);
    run(LocomoDataTest.fixture(), history, out);
    JsonNode cello = line(results(out), "fx-2", 0);
    assertThat(cello.at("/retrieved/5/0").asText()).isEqualTo("D1:1");
    assertThat(JSON.readTree(out.resolve("manifest.json").toFile()).at("/params/tool").asText())
        .isEqualTo("conversation_search");
  }

  @Test
  void shortRankingsArePaddedWithNeighboursThenFromTheStart() {
    LocomoData.Conversation c = LocomoDataTest.fixture().conversations().get(0);
    assertThat(LocomoRun.pad(List.of("D2:1"), c, 4))
        .containsExactly("D2:1", "D1:3", "D2:2", "D1:2");
    assertThat(LocomoRun.pad(List.of(), c, 2)).containsExactly("D1:1", "D1:2");
  }

  @Test
  void theDevFileMeetsTheRequiredRecall() throws Exception {
    Path data = SharedData.require("locomo10-dev.json");
    Path out = dir.resolve("dev");
    LocomoRun.Outcome o = run(LocomoData.read(data), RunParams.defaults(), out);
    // Issue #6's floor (the prototype's plain pipeline): R@10 >= 77 overall, 73 on cats 1-4, 34 on
    // multi-hop.
    assertThat(o.report().recall("overall", 10)).isGreaterThanOrEqualTo(0.77);
    assertThat(o.report().recall("cats_1_4", 10)).isGreaterThanOrEqualTo(0.73);
    assertThat(o.report().recall("1", 10)).isGreaterThanOrEqualTo(0.34);
    assertThat(results(out)).hasSize(1347);
  }

  /**
   * Issue #15: the agent's own conversation_search over the same conversations in history/ (one
   * record per turn) retrieves as well as search_files over one conversation log per session.
   */
  @Test
  void onTheDevFileTheHistoryLayoutRetrievesAsWellAsTheFilesLayout() throws Exception {
    Path data = SharedData.require("locomo10-dev.json");
    LocomoData d = LocomoData.read(data);
    LocomoRun.Outcome files = run(d, RunParams.defaults(), dir.resolve("files"));
    RunParams defaults = RunParams.defaults();
    LocomoRun.Outcome history =
        run(
            d,
            new RunParams(
                LocomoIngest.Layout.HISTORY,
                defaults.ks(),
                defaults.search(),
                defaults.speakerPolicy(),
                defaults.dropNames(),
                defaults.dropFrameWords()),
            dir.resolve("history"));
    for (String group : List.of("overall", "cats_1_4", "1")) {
      assertThat(history.report().recall(group, 10))
          .as("R@10 %s", group)
          .isCloseTo(files.report().recall(group, 10), org.assertj.core.data.Offset.offset(0.01));
    }
  }

  @Test
  void theReportGivesRecallPerConversation() throws Exception {
    Path out = dir.resolve("run");
    LocomoRun.Outcome o = run(LocomoDataTest.fixture(), RunParams.defaults(), out);
    JsonNode per = o.reportJson().get("recall_by_conversation");
    assertThat(per.fieldNames()).toIterable().containsExactly("fx-1", "fx-2");
    int questions =
        per.get("fx-1").get("questions").asInt() + per.get("fx-2").get("questions").asInt();
    assertThat(questions).isEqualTo(o.reportJson().get("questions").asInt());
    double weighted =
        (per.at("/fx-1/overall/10").asDouble() * per.at("/fx-1/questions").asInt()
                + per.at("/fx-2/overall/10").asDouble() * per.at("/fx-2/questions").asInt())
            / questions;
    assertThat(weighted)
        .isCloseTo(o.report().recall("overall", 10), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(Files.readString(out.resolve("report.md")))
        .contains("## Per conversation")
        .contains("| fx-2 |");
  }
}
