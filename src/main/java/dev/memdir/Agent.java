package dev.memdir;

import dev.memdir.agent.AgentParts;
import dev.memdir.agent.ContextReport;
import dev.memdir.agent.Reply;
import dev.memdir.agent.Runner;
import dev.memdir.agent.TurnListener;
import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.AgentConfig;
import dev.memdir.format.Layout;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import dev.memdir.format.WriteLock;
import dev.memdir.git.AgentRepo;
import dev.memdir.history.HistoryLog;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatModels;
import dev.memdir.llm.ModelConfig;
import dev.memdir.memory.Actor;
import dev.memdir.memory.BlockPath;
import dev.memdir.memory.CoreMemory;
import dev.memdir.search.Search;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An agent: a directory holding its settings, core memory, archival facts, files and history.
 *
 * <pre>
 * try (Agent agent = Agent.open(Path.of("agents/research-assistant"))) {
 *   agent.memory().append(Actor.PERSON, "human", "Prefers short answers.");
 *   Reply r = agent.send("What do you know about me?");
 * }
 * </pre>
 *
 * <p>Every write (memory, archival, history) takes the agent's write lock ({@code .memdir/lock})
 * for that one write, waiting up to the lock wait given to {@code open} (10 s by default); {@link
 * #turn()} holds it for a whole turn instead.
 */
public final class Agent implements AutoCloseable {
  /** The largest agent.yaml or system.md read. */
  static final long MAX_SETTINGS_BYTES = 1L << 20;

  private final Layout layout;
  private final AgentConfig config;
  private final AgentConfig.Read configRead;
  private final CoreMemory memory;
  private final ArchivalStore archival;
  private final WriteLock lock;
  private final HistoryLog history;
  private final Clock clock;
  private final Optional<AgentRepo> git;
  private Runner runner;
  private Search search;

  private Agent(Layout layout, AgentConfig.Read configRead, Clock clock, Duration wait) {
    this.layout = layout;
    this.config = configRead.config();
    this.configRead = configRead;
    this.lock = WriteLock.of(layout, wait);
    this.memory = new CoreMemory(layout, lock);
    this.archival = new ArchivalStore(layout, clock, lock);
    this.history = HistoryLog.open(layout, config.durability(), lock, clock);
    this.clock = clock;
    this.git = config.gitAutocommit() ? AgentRepo.find(layout, clock) : Optional.empty();
  }

  /**
   * Opens the agent in {@code dir}.
   *
   * <p>A wrong value in agent.yaml does not stop the agent from opening: the key's default is used,
   * {@link #configProblems()} lists it, and what needs the key ({@link #send}, {@link #context},
   * {@link #search}, {@link #model}) throws a {@link ConfigException} naming its line.
   *
   * @throws MemdirException when {@code dir} is not an agent directory
   */
  public static Agent open(Path dir) {
    return open(dir, Clock.systemUTC());
  }

  /** Opens the agent in {@code dir}, timestamping new records with {@code clock}. */
  public static Agent open(Path dir, Clock clock) {
    return open(dir, clock, WriteLock.DEFAULT_WAIT);
  }

  /** Opens the agent in {@code dir}; its writes wait up to {@code lockWait} for another writer. */
  public static Agent open(Path dir, Duration lockWait) {
    return open(dir, Clock.systemUTC(), lockWait);
  }

  /**
   * Opens the agent in {@code dir}, timestamping with {@code clock}; writes wait up to {@code
   * lockWait} for another writer, then fail with {@link AgentBusyException}.
   */
  public static Agent open(Path dir, Clock clock, Duration lockWait) {
    Layout layout = Layout.of(dir);
    return new Agent(layout, readConfig(layout), clock, lockWait);
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

  /**
   * The settings read from agent.yaml when the agent was opened, with defaults for the keys {@link
   * #configProblems()} lists.
   */
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
    requireConfig("search");
    if (search == null) {
      search = Search.open(layout, config.search(), archival, history);
    }
    return search;
  }

  /** The conversation history. */
  public HistoryLog history() {
    return history;
  }

  /**
   * Starts a turn: holds the write lock until the turn is closed, so the turn's writes are not
   * interleaved with another writer's, and forces the history to disk at its end ({@code
   * durability: turn}). Release it while waiting for the user, so others can write meanwhile.
   *
   * @throws AgentBusyException when another writer keeps the lock past the wait
   */
  public Turn turn() {
    return new Turn(lock.acquire());
  }

  /** A turn in progress; {@link #close()} ends it. */
  public final class Turn implements AutoCloseable {
    private final WriteLock.Hold hold;

    private Turn(WriteLock.Hold hold) {
      this.hold = hold;
    }

    /** Forces the turn's history records to disk and releases the write lock. */
    @Override
    public void close() {
      try {
        history.sync();
      } finally {
        hold.close();
      }
    }
  }

  /**
   * Sends the user's message and runs the agent until it answers, with the model agent.yaml names
   * and keys from the environment; one turn, under the write lock.
   *
   * @throws LlmException when the model fails (the history then holds every finished step)
   * @throws AgentBusyException when another writer keeps the lock past the wait
   */
  public Reply send(String message) {
    requireConfig();
    return send(message, model(), TurnListener.NONE);
  }

  /** Sends the user's message and runs the agent with {@code model} until it answers. */
  public Reply send(String message, ChatModel model) {
    return send(message, model, TurnListener.NONE);
  }

  /**
   * Sends the user's message and runs the agent with {@code model} until it answers; {@code
   * listener} hears the reply stream and each tool call as they happen.
   */
  public synchronized Reply send(String message, ChatModel model, TurnListener listener) {
    return versioned(
        Actor.AGENT,
        () -> {
          try (Turn t = turn()) {
            return runner().send(message, model, listener);
          }
        },
        r ->
            String.join(
                ", ",
                r.steps().stream()
                    .flatMap(s -> s.toolRuns().stream())
                    .map(t -> t.name())
                    .distinct()
                    .toList()));
  }

  /**
   * Runs a person's write ({@code cause} names it, like {@code memory append}); with {@code git:
   * autocommit: true} in agent.yaml, first commits what a person changed by hand, then commits this
   * write on its own. Writes made outside this method (and outside {@link #send}) are committed by
   * the next one, as a person's edit.
   */
  public <T> T write(String cause, Supplier<T> change) {
    return versioned(Actor.PERSON, change, r -> cause);
  }

  private synchronized <T> T versioned(Actor actor, Supplier<T> change, Function<T, String> cause) {
    if (git.isEmpty()) {
      return change.get();
    }
    try (Turn t = turn()) {
      git.get().commitPending();
      memory.takeAgentWritten();
      T result = null;
      try {
        result = change.get();
        return result;
      } finally {
        history.sync();
        if (actor == Actor.AGENT) {
          // A hand edit made while the model worked: the person's own commit, first. The agent's
          // are history, archival facts and the blocks its tools edited (a block both edited goes
          // with the agent's commit).
          Set<String> blocks = memory.takeAgentWritten();
          git.get()
              .commitPersonEditsExcept(
                  p ->
                      p.startsWith("history/")
                          || p.startsWith("archival/")
                          || BlockPath.labelOfRelative(p).filter(blocks::contains).isPresent());
        }
        git.get().commitChanges(actor, result == null ? "failed turn" : cause.apply(result));
      }
    }
  }

  /** The context window the next step would send, section by section with tokens. */
  public synchronized ContextReport context() {
    return runner().context();
  }

  /**
   * The model agent.yaml names, with its server and key from the environment.
   *
   * @throws LlmException of kind {@code CONFIG} when a key the provider needs is missing
   */
  public ChatModel model() {
    requireConfig("model", "base_url", "max_tokens_field");
    return ChatModels.open(
        ModelConfig.resolve(config, Optional.empty(), Optional.empty(), System.getenv()));
  }

  private Runner runner() {
    requireConfig();
    if (runner == null) {
      runner =
          new Runner(
              new AgentParts(
                  layout,
                  config,
                  memory,
                  archival,
                  history,
                  search(),
                  clock,
                  this::systemPrompt,
                  this::fileCount));
    }
    return runner;
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
   * The number of history records, counted without parsing them and remembered in {@code .memdir/}
   * so a later count reads only what was appended since.
   */
  public long messageCount() {
    return history.count();
  }

  /** Every problem in the directory, errors and warnings apart. */
  public Validation validate() {
    return AgentValidator.validate(layout);
  }

  /**
   * Every problem in the agent directory {@code dir}, which need only hold an agent.yaml: a broken
   * agent.yaml is one of the problems reported, not a reason to stop.
   */
  public static Validation validate(Path dir) {
    return AgentValidator.validate(Layout.of(dir));
  }

  /** Warnings found in agent.yaml when the agent was opened (unknown keys, unknown tools). */
  public List<Problem> configWarnings() {
    return configRead.warnings();
  }

  /**
   * The errors of agent.yaml keys that did not load when the agent was opened, in file order;
   * {@link #config()} holds their defaults.
   */
  public List<Problem> configProblems() {
    return configRead.broken().stream().map(AgentConfig.Broken::problem).toList();
  }

  /**
   * Fails when one of these top-level agent.yaml keys did not load; with no keys, when any part of
   * agent.yaml did not load (a turn needs all of it).
   *
   * @throws ConfigException naming the file and line of the first such key
   */
  public void requireConfig(String... keys) {
    Optional<AgentConfig.Broken> b = configRead.firstBroken(keys);
    if (b.isPresent()) {
      Problem p = b.get().problem();
      throw new ConfigException(p.file(), p.line(), p.message());
    }
  }

  /** Forces history records not yet on disk ({@code durability: turn}); holds nothing else. */
  @Override
  public synchronized void close() {
    try {
      if (search != null) {
        search.close();
        search = null;
      }
    } finally {
      history.close();
      git.ifPresent(AgentRepo::close);
    }
  }

  static AgentConfig.Read readConfig(Layout layout) {
    String dirName =
        layout.root().getFileName() == null ? "agent" : layout.root().getFileName().toString();
    String text;
    try {
      text = TextFiles.read(layout.agentYaml(), "agent.yaml", MAX_SETTINGS_BYTES);
    } catch (FormatException e) {
      return AgentConfig.unreadable(dirName, Problem.of(e));
    } catch (MemdirException e) {
      return AgentConfig.unreadable(dirName, Problem.error("agent.yaml", 0, e.getMessage()));
    }
    return AgentConfig.read(text, dirName);
  }
}
