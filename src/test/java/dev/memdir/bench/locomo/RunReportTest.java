package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

class RunReportTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode line(int cat, double r5, double r10, double n5, double n10, int t5, int t10)
      throws Exception {
    return JSON.readTree(
        String.format(
            java.util.Locale.ROOT,
            "{\"category\": %d, \"recall\": {\"5\": %f, \"10\": %f}, \"recall_normalized\": {\"5\": %f, \"10\": %f}, \"tokens\": {\"5\": %d, \"10\": %d}}",
            cat,
            r5,
            r10,
            n5,
            n10,
            t5,
            t10));
  }

  @Test
  void aggregatesOverallCats14AndPerCategory() throws Exception {
    RunReport r =
        RunReport.of(
            List.of(5, 10),
            List.of(
                line(1, 0, 0.5, 0, 1, 10, 20),
                line(4, 1, 1, 1, 1, 30, 40),
                line(5, 0, 1, 0, 1, 20, 30)));
    assertThat(r.recall("overall", 5)).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(r.recall("overall", 10)).isCloseTo(2.5 / 3, within(1e-12));
    assertThat(r.recall("cats_1_4", 10)).isCloseTo(0.75, within(1e-12));
    assertThat(r.recall("1", 10)).isEqualTo(0.5);
    assertThat(r.recallNormalized("1", 10)).isEqualTo(1.0);
    assertThat(r.recall("2", 5)).isNaN();
    JsonNode j = r.toJson(JSON.createObjectNode());
    assertThat(j.at("/recall/overall/10").asDouble()).isCloseTo(2.5 / 3, within(1e-12));
    assertThat(j.at("/recall/by_category/4/5").asDouble()).isEqualTo(1.0);
    assertThat(j.at("/recall_normalized/cats_1_4/10").asDouble()).isEqualTo(1.0);
    assertThat(j.at("/tokens_retrieved_mean/10").asDouble()).isEqualTo(30.0);
    assertThat(j.get("questions").asInt()).isEqualTo(3);
  }

  @Test
  void markdownShowsBothConventionsAndDragonAndTheSvgIsWellFormed() throws Exception {
    RunReport r =
        RunReport.of(
            List.of(5, 10, 25, 50),
            List.of(
                JSON.readTree(
                    "{\"category\": 2, \"recall\": {\"5\": 1, \"10\": 1, \"25\": 1, \"50\": 1}, \"recall_normalized\": {\"5\": 1, \"10\": 1, \"25\": 1, \"50\": 1}, \"tokens\": {\"5\": 1, \"10\": 2, \"25\": 3, \"50\": 4}}")));
    String md = r.toMarkdown("# Run\n");
    assertThat(md)
        .contains("## Evidence recall, official convention")
        .contains("## Evidence recall, normalised evidence ids")
        .contains("| cat 2 | temporal | temporal | 1 | 100.0 | 100.0 | 100.0 | 100.0 |")
        .contains(
            "| DRAGON (LoCoMo paper, all 1,986 questions) | | | | 56.7 | 66.2 | 76.7 | 82.7 |");
    String svg = r.toSvg();
    var doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(doc.getElementsByTagName("polyline").getLength())
        .isEqualTo(4); // overall, cats 1-4, cat 2, DRAGON
  }
}
