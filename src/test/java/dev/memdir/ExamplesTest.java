package dev.memdir;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.format.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The agents shipped in agents-example/ stay valid and complete. */
class ExamplesTest {
  @Test
  void everyExampleAgentIsValidWithoutWarnings() throws IOException {
    List<Path> agents;
    try (Stream<Path> s = Files.list(Path.of("agents-example"))) {
      agents = s.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(agents).hasSizeGreaterThanOrEqualTo(2);
    for (Path a : agents) {
      Validation v = Agent.validate(a);
      assertThat(v.errors()).as(a.toString()).extracting(Problem::toString).isEmpty();
      assertThat(v.warnings()).as(a.toString()).extracting(Problem::toString).isEmpty();
      try (Agent agent = Agent.open(a)) {
        assertThat(agent.memory().load().blocks()).as(a.toString()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(agent.archival().list().facts()).as(a.toString()).isNotEmpty();
        assertThat(agent.fileCount()).as(a.toString()).isPositive();
        for (var fact : agent.archival().list().facts()) {
          // Hand-written facts follow the naming rule: the hash part is the text's hash.
          String hash = dev.memdir.format.TextFiles.sha256(fact.text()).substring(0, 6);
          assertThat(fact.fileName()).as(fact.fileName()).endsWith("-" + hash + ".md");
        }
      }
    }
  }
}
