package dev.memdir.agent;

import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.AgentConfig;
import dev.memdir.format.Layout;
import dev.memdir.history.HistoryLog;
import dev.memdir.memory.CoreMemory;
import dev.memdir.search.Search;
import java.time.Clock;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What the step loop works on: the parts of one open agent directory. The {@code dev.memdir.Agent}
 * facade builds it.
 *
 * @param layout the directory
 * @param config agent.yaml as read when the agent was opened
 * @param memory core memory
 * @param archival archival facts
 * @param history the conversation
 * @param search the search tools over files, facts and history
 * @param clock the time shown to the model
 * @param systemPrompt reads system.md (afresh, so a person's edit shows at the next step)
 * @param fileCount counts the files under {@code files/}
 */
public record AgentParts(
    Layout layout,
    AgentConfig config,
    CoreMemory memory,
    ArchivalStore archival,
    HistoryLog history,
    Search search,
    Clock clock,
    Supplier<String> systemPrompt,
    IntSupplier fileCount) {

  /** Validates the fields. */
  public AgentParts {
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(archival, "archival");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(search, "search");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(systemPrompt, "systemPrompt");
    Objects.requireNonNull(fileCount, "fileCount");
  }
}
