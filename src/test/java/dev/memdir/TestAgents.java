package dev.memdir;

import java.nio.file.Path;

/** Creates fixture agents for tests. */
public final class TestAgents {
  private TestAgents() {}

  /** A fresh agent in {@code dir} (created by {@code memdir init} defaults). */
  public static Agent create(Path dir) {
    return Agent.init(dir, InitOptions.defaults());
  }
}
