package dev.memdir;

import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.AgentConfig;
import dev.memdir.format.Layout;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import dev.memdir.memory.CoreMemory;
import dev.memdir.search.Search;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * An agent: a directory holding its settings, core memory, archival facts, files and history.
 *
 * <pre>
 * try (Agent agent = Agent.open(Path.of("agents/research-assistant"))) {
 *   agent.memory().append(Actor.PERSON, "human", "Prefers short answers.");
 * }
 * </pre>
 */
public final class Agent implements AutoCloseable {
  /** The largest agent.yaml or system.md read. */
  static final long MAX_SETTINGS_BYTES = 1L << 20;

  private final Layout layout;
  private final AgentConfig config;
  private final List<Problem> configWarnings;
  private final CoreMemory memory;
  private final ArchivalStore archival;
  private Search search;

  private Agent(Layout layout, AgentConfig config, List<Problem> configWarnings, Clock clock) {
    this.layout = layout;
    this.config = config;
    this.configWarnings = List.copyOf(configWarnings);
    this.memory = new CoreMemory(layout);
    this.archival = new ArchivalStore(layout, clock);
  }

  /**
   * Opens the agent in {@code dir}.
   *
   * @throws MemdirException when {@code dir} is not an agent directory
   * @throws ConfigException when agent.yaml has a wrong value, naming its line
   */
  public static Agent open(Path dir) {
    return open(dir, Clock.systemUTC());
  }

  /** Opens the agent in {@code dir}, timestamping new records with {@code clock}. */
  public static Agent open(Path dir, Clock clock) {
    Layout layout = Layout.of(dir);
    List<Problem> warnings = new ArrayList<>();
    AgentConfig config = readConfig(layout, warnings);
    return new Agent(layout, config, warnings, clock);
  }

  /**
   * Creates a new agent directory with the standard files and folders.
   *
   * @throws MemdirException when {@code dir} already holds an agent.yaml
   */
  public static Agent init(Path dir, InitOptions options) {
    Objects.requireNonNull(options, "options");
    Layout layout = new Layout(dir);
    if (Files.exists(layout.agentYaml())) {
      throw new MemdirException("already an agent directory: " + dir + " has an agent.yaml");
    }
    if (Files.exists(layout.root()) && !Files.isDirectory(layout.root())) {
      throw new MemdirException("cannot create an agent in " + dir + ": it is a file");
    }
    AgentInit.write(layout, options);
    return open(dir);
  }

  /** The directory layout. */
  public Layout layout() {
    return layout;
  }

  /** The settings read from agent.yaml when the agent was opened. */
  public AgentConfig config() {
    return config;
  }

  /** Core memory. */
  public CoreMemory memory() {
    return memory;
  }

  /** Archival facts. */
  public ArchivalStore archival() {
    return archival;
  }

  /** The search tools over files, archival facts and history; the index opens on first use. */
  public synchronized Search search() {
    if (search == null) {
      search = Search.open(layout, config.search(), archival);
    }
    return search;
  }

  /** The system prompt (system.md), or an empty string when there is none. */
  public String systemPrompt() {
    Path file = layout.systemPrompt();
    if (!Files.exists(file)) {
      return "";
    }
    return TextFiles.read(file, "system.md", MAX_SETTINGS_BYTES);
  }

  /** The number of files under {@code files/}, not counting hidden ones. */
  public int fileCount() {
    Path dir = layout.filesDir();
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return (int)
          s.filter(Files::isRegularFile)
              .filter(p -> !dir.relativize(p).toString().startsWith("."))
              .count();
    } catch (IOException e) {
      throw new MemdirException("cannot list files/: " + e.getMessage(), e);
    }
  }

  /**
   * The number of history records: the lines of {@code history/*.jsonl}, counted by scanning bytes
   * without parsing.
   */
  public long messageCount() {
    Path dir = layout.historyDir();
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long lines = 0;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path seg : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".jsonl"))::iterator) {
        if (!Files.isRegularFile(seg)) {
          continue;
        }
        try (java.io.InputStream in = Files.newInputStream(seg)) {
          byte[] buf = new byte[1 << 16];
          for (int n = in.read(buf); n > 0; n = in.read(buf)) {
            for (int i = 0; i < n; i++) {
              if (buf[i] == '\n') {
                lines++;
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new MemdirException("cannot read history/: " + e.getMessage(), e);
    }
    return lines;
  }

  /** Every problem in the directory, errors and warnings apart. */
  public Validation validate() {
    return AgentValidator.validate(layout);
  }

  /**
   * Every problem in the agent directory {@code dir}, which need only hold an agent.yaml: a
   * broken agent.yaml is one of the problems reported, not a reason to stop.
   */
  public static Validation validate(Path dir) {
    return AgentValidator.validate(Layout.of(dir));
  }

  /** Warnings found in agent.yaml when the agent was opened (unknown keys, unknown tools). */
  public List<Problem> configWarnings() {
    return configWarnings;
  }

  @Override
  public synchronized void close() {
    if (search != null) {
      search.close();
      search = null;
    }
  }

  static AgentConfig readConfig(Layout layout, List<Problem> warnings) {
    String text = TextFiles.read(layout.agentYaml(), "agent.yaml", MAX_SETTINGS_BYTES);
    String dirName = layout.root().getFileName() == null ? "agent" : layout.root().getFileName().toString();
    return AgentConfig.parse(text, dirName, warnings);
  }
}
