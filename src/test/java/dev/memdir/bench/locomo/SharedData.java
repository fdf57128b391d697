package dev.memdir.bench.locomo;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The LoCoMo files in ../shared/data/locomo/, which tests use when present and skip visibly when
 * not.
 */
final class SharedData {
  static final Path DIR = Path.of("..", "shared", "data", "locomo");

  private SharedData() {}

  /** The path of a shared data file; skips the test (with a message on stderr) when absent. */
  static Path require(String relative) {
    Path p = DIR.resolve(relative);
    if (!Files.isRegularFile(p)) {
      String msg =
          "SKIPPED: LoCoMo data not found at "
              + p.toAbsolutePath().normalize()
              + " (CC BY-NC; never bundled)";
      System.err.println(msg);
      assumeTrue(false, msg);
    }
    return p;
  }
}
