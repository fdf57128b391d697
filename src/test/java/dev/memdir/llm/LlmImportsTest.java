package dev.memdir.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the llm package's arrows true by reading the imports of the sources. */
class LlmImportsTest {
  private static final Path MAIN = Path.of("src/main/java/dev/memdir");

  @Test
  void onlyTheLlmPackageSpeaksHttpToModels() throws IOException {
    // The LoCoMo harness downloads its data file over HTTP; that is not a model call.
    assertThat(filesImporting("java.net.http", "llm/"))
        .allMatch(f -> f.equals("bench/locomo/LocomoDownload.java"));
  }

  @Test
  void theLlmPackageImportsOnlyFormatAndTheExceptionsOfMemdir() throws IOException {
    List<String> bad = new ArrayList<>();
    for (Path p : sources(MAIN.resolve("llm"))) {
      for (String line : Files.readAllLines(p)) {
        if (line.startsWith("import dev.memdir.")
            && !line.matches(
                "import dev\\.memdir\\.(llm\\..*|format\\..*|\\w+Exception(\\..*)?);")) {
          bad.add(MAIN.relativize(p) + ": " + line);
        }
      }
    }
    assertThat(bad).isEmpty();
  }

  @Test
  void theScriptedServerIsIndependentOfTheClientsItChecks() throws IOException {
    List<String> bad = new ArrayList<>();
    for (Path p : sources(MAIN.resolve("llm/scripted"))) {
      for (String line : Files.readAllLines(p)) {
        if (line.startsWith("import dev.memdir.")) {
          bad.add(MAIN.relativize(p) + ": " + line);
        }
      }
    }
    assertThat(bad).isEmpty();
  }

  private static List<String> filesImporting(String prefix, String allowedDir) throws IOException {
    List<String> found = new ArrayList<>();
    for (Path p : sources(MAIN)) {
      String rel = MAIN.relativize(p).toString().replace('\\', '/');
      if (!rel.startsWith(allowedDir) && Files.readString(p).contains("import " + prefix)) {
        found.add(rel);
      }
    }
    return found;
  }

  private static List<Path> sources(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }
}
