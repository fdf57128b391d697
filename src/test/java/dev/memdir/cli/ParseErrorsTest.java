package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML and JSON errors give the path as given, the right 1-based line, column and reason. */
class ParseErrorsTest {
  @TempDir Path tmp;
  Path dir;
  String yaml;

  @BeforeEach
  void init() throws Exception {
    dir = tmp.resolve("ada");
    assertThat(CliTest.run("init", dir.toString(), "--model", "anthropic/x").code()).isZero();
    yaml = Files.readString(dir.resolve("agent.yaml"));
    assertThat(yaml.lines().toList().get(5)).startsWith("max_steps:");
  }

  private String validateWithLine6(String line6) throws Exception {
    String[] lines = yaml.split("\n", -1);
    lines[5] = line6;
    Files.writeString(dir.resolve("agent.yaml"), String.join("\n", lines));
    return CliTest.run("validate", dir.toString()).out();
  }

  @Test
  void aTabInAgentYamlIsReportedOnItsLineAndColumnAsATab() throws Exception {
    assertThat(validateWithLine6("\tmax_steps: 20"))
        .contains("agent.yaml:6: invalid YAML at column 1: found a tab")
        .contains("indent with spaces, not tabs");
  }

  @Test
  void aBadIndentIsReportedWhereItIsNotWhereTheMappingBegan() throws Exception {
    assertThat(validateWithLine6(" max_steps: 20"))
        .contains("agent.yaml:6: invalid YAML at column 2: expected <block end>")
        .contains("(while parsing a block mapping)");
  }

  @Test
  void anUnclosedQuoteIsReportedWhereItWasOpened() throws Exception {
    assertThat(validateWithLine6("max_steps: \"20"))
        .contains("agent.yaml:6: invalid YAML at column 12: found unexpected end of stream");
  }

  @Test
  void aTabInFrontMatterIsReportedOnItsFileLine() throws Exception {
    Files.writeString(
        dir.resolve("memory/human.md"),
        "---\nlabel: human\nlimit: 500\ndescription: x\n\tfoo: 1\n---\nhi\n");
    assertThat(CliTest.run("validate", dir.toString()).out())
        .contains("memory/human.md:5: invalid YAML at column 1: found a tab");
  }

  @Test
  void aBrokenDataFileIsNamedAsGivenWithLineColumnAndAPlainReason() throws Exception {
    Path data = tmp.resolve("data/bad.json");
    Files.createDirectories(data.getParent());
    Files.writeString(data, "[{\"a\":\n 1,,}]");
    CliTest.Result r = CliTest.run("bench", "locomo", "--data", data.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains(data + ":2: invalid JSON (truncated or damaged download?) at column 4:")
        .contains("Unexpected character ','")
        .doesNotContain("code 44")
        .doesNotContain("StreamReadFeature")
        .doesNotContain("Source:");
  }
}
