package dev.memdir.bench.reliability;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How much of the campaign to run.
 *
 * @param seed the seed of every random choice
 * @param full the long run rather than the quick subset
 * @param killsPerKind SIGKILLed child JVMs per kind of operation
 * @param savesPerPattern person's saves per save pattern
 * @param raceMillis how long the symlink-swap race runs
 * @param bombMillis the wall-clock limit of one bomb's child JVM
 * @param everyBomb every bomb, or only the deep-nesting one (for the smoke test)
 * @param work the folder the agents of the campaign are made in
 */
record Plan(
    long seed,
    boolean full,
    int killsPerKind,
    int savesPerPattern,
    long raceMillis,
    long bombMillis,
    boolean everyBomb,
    Path work) {
  Plan {
    Objects.requireNonNull(work, "work");
    if (killsPerKind < 1 || savesPerPattern < 1 || raceMillis < 1 || bombMillis < 1) {
      throw new IllegalArgumentException("every count of the plan must be at least 1");
    }
  }

  static Plan quick(long seed, Path work) {
    return new Plan(seed, false, 3, 20, 3_000, 15_000, true, work);
  }

  static Plan full(long seed, Path work) {
    return new Plan(seed, true, 48, 120, 30_000, 60_000, true, work);
  }

  /** A few trials per family: for the smoke test, which checks the harness, not the goals. */
  static Plan tiny(long seed, Path work) {
    return new Plan(seed, false, 1, 2, 300, 20_000, false, work);
  }

  /** Where a child JVM's standard error goes. */
  Path errLog() {
    return work.resolve("children.err");
  }
}
