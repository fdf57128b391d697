package dev.memdir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the layer arrows of docs/DESIGN pointing one way by scanning imports. */
class ArchitectureTest {
  /** Which memdir packages each package may import ("" is the top package's exceptions). */
  static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry("format", Set.of()),
          Map.entry("memory", Set.of("format")),
          Map.entry("archival", Set.of("format")),
          Map.entry("history", Set.of("format")),
          Map.entry("search", Set.of("format", "memory", "archival", "history")),
          Map.entry("llm", Set.of("format")),
          Map.entry("git", Set.of("format", "memory", "history", "archival")),
          Map.entry("tools", Set.of("format", "memory", "archival", "history", "search")),
          Map.entry(
              "agent",
              Set.of("format", "memory", "archival", "history", "search", "tools", "llm")));

  static final Pattern IMPORT =
      Pattern.compile("(?m)^import (?:static )?dev\\.memdir\\.([a-z.]*?)\\.?([A-Z]\\w*)");

  @Test
  void lowerLayersDoNotImportHigherOnes() throws IOException {
    List<String> violations = new ArrayList<>();
    Path root = Path.of("src/main/java/dev/memdir");
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String pkg = root.relativize(f.getParent()).toString().replace('/', '.');
        String top = pkg.contains(".") ? pkg.substring(0, pkg.indexOf('.')) : pkg;
        Set<String> allowed = ALLOWED.get(top);
        if (allowed == null) {
          continue; // top package, cli and bench may import anything
        }
        Matcher m = IMPORT.matcher(Files.readString(f));
        while (m.find()) {
          String target = m.group(1);
          String targetTop =
              target.contains(".") ? target.substring(0, target.indexOf('.')) : target;
          boolean ok =
              targetTop.equals(top)
                  || allowed.contains(targetTop)
                  || (target.isEmpty() && m.group(2).endsWith("Exception"));
          if (!ok) {
            violations.add(
                root.relativize(f)
                    + " imports dev.memdir."
                    + (target.isEmpty() ? "" : target + ".")
                    + m.group(2));
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void onlyTheCliImportsPicocliAndOnlySearchImportsLucene() throws IOException {
    List<String> violations = new ArrayList<>();
    Path root = Path.of("src/main/java/dev/memdir");
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String rel = root.relativize(f).toString();
        String text = Files.readString(f);
        if (text.contains("import picocli.") && !rel.startsWith("cli/")) {
          violations.add(rel + " imports picocli");
        }
        if (text.contains("import org.apache.lucene.") && !rel.startsWith("search/")) {
          violations.add(rel + " imports Lucene");
        }
        if (text.contains("import org.eclipse.jgit.") && !rel.startsWith("git/")) {
          violations.add(rel + " imports JGit");
        }
        if (text.contains("import com.google.re2j.") && !rel.startsWith("search/")) {
          violations.add(rel + " imports RE2J");
        }
        if (text.contains("import org.eclipse.jetty.")
            && !rel.startsWith("serve/")
            && !rel.startsWith("mcp/")) {
          violations.add(rel + " imports Jetty");
        }
        if (text.contains("import io.modelcontextprotocol.") && !rel.startsWith("mcp/")) {
          violations.add(rel + " imports the MCP SDK");
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void everyPackageSaysWhatLivesThere() throws IOException {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> dirs = Files.walk(Path.of("src/main/java/dev/memdir"))) {
      for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        boolean hasJava;
        try (Stream<Path> s = Files.list(d)) {
          hasJava = s.anyMatch(p -> p.toString().endsWith(".java"));
        }
        if (hasJava && !Files.exists(d.resolve("package-info.java"))) {
          missing.add(d.toString());
        }
      }
    }
    assertThat(missing).isEmpty();
  }
}
