package dev.memdir.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.ConfigException;
import dev.memdir.FormatException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The settings in {@code agent.yaml}, for example:
 *
 * <pre>
 * name: research-assistant
 * description: Helps a machine-learning researcher.
 * model: openai/gpt-4o-mini        # provider/name; providers: openai, anthropic, ollama
 * # base_url: http://localhost:11434/v1   # any OpenAI-compatible server
 * context_window: 32000            # tokens
 * max_steps: 20
 * tools: [memory_replace, memory_insert, memory_rethink, archival_memory_insert]
 * history:
 *   durability: turn               # always | turn | never
 * search:                          # optional; see SearchSettings
 *   b: 0.5
 * tool_rules:                      # optional; see ToolRules
 *   exit_loop: [send_message]
 * overflow:                        # optional; see Overflow
 *   threshold: 0.9
 * </pre>
 *
 * <p>Unknown keys give a warning and are kept, in their order, when the file is rewritten.
 *
 * @param name the agent's name
 * @param description one line about the agent
 * @param model {@code provider/name}
 * @param baseUrl an OpenAI-compatible server to use instead of the provider's default
 * @param contextWindow the model's context window in tokens
 * @param maxSteps the most model calls in one turn
 * @param tools the tools offered to the model
 * @param durability when history appends are forced to disk
 * @param search how the search index analyses and ranks text
 * @param toolRules which tools must run first, end the turn, or run before it ends
 * @param overflow when and how much of the conversation is summarised
 * @param extra unknown top-level keys and unknown keys under {@code history}, {@code search},
 *     {@code tool_rules} and {@code overflow}, kept as read
 */
public record AgentConfig(
    String name,
    String description,
    String model,
    Optional<String> baseUrl,
    int contextWindow,
    int maxSteps,
    List<String> tools,
    Durability durability,
    SearchSettings search,
    ToolRules toolRules,
    Overflow overflow,
    ObjectNode extra) {

  /** The providers a {@code model} may name. */
  public static final List<String> PROVIDERS = List.of("openai", "anthropic", "ollama");

  /** Every tool name memdir knows, in the order the default {@code tools} list uses. */
  public static final List<String> KNOWN_TOOLS =
      List.of(
          "memory_replace",
          "memory_insert",
          "memory_rethink",
          "core_memory_append",
          "core_memory_replace",
          "archival_memory_insert",
          "archival_memory_search",
          "conversation_search",
          "grep_files",
          "open_files",
          "close_files",
          "search_files",
          "send_message");

  /** The tools a new agent gets. */
  public static final List<String> DEFAULT_TOOLS =
      List.of(
          "memory_replace",
          "memory_insert",
          "memory_rethink",
          "archival_memory_insert",
          "archival_memory_search",
          "conversation_search",
          "grep_files",
          "open_files",
          "close_files",
          "search_files");

  public static final String DEFAULT_MODEL = "openai/gpt-4o-mini";
  public static final int DEFAULT_CONTEXT_WINDOW = 32_000;
  public static final int DEFAULT_MAX_STEPS = 20;

  private static final String FILE = "agent.yaml";
  private static final Set<String> KNOWN_KEYS =
      Set.of(
          "name",
          "description",
          "model",
          "base_url",
          "context_window",
          "max_steps",
          "tools",
          "history",
          "search",
          ToolRules.KEY,
          Overflow.KEY);

  /**
   * Read by the model client from {@link #extra} (it belongs to the model's settings), but checked
   * here so that a bad value is a {@code path:line} problem like every other key.
   */
  private static final String MAX_TOKENS_FIELD = "max_tokens_field";

  /**
   * {@code git: autocommit: true|false}: read by {@link #gitAutocommit()} from {@link #extra} (kept
   * there so the record's shape does not change), checked here like every other key.
   */
  private static final String GIT = "git";

  private static final Pattern MODEL = Pattern.compile("([a-z]+)/(\\S+)");

  /** Validates and copies the fields. */
  public AgentConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(search, "search");
    Objects.requireNonNull(toolRules, "toolRules");
    Objects.requireNonNull(overflow, "overflow");
    tools = List.copyOf(tools);
    extra = extra.deepCopy();
    String modelProblem = checkModel(model);
    if (modelProblem != null) {
      throw new IllegalArgumentException(modelProblem);
    }
    if (contextWindow < 1) {
      throw new IllegalArgumentException("context_window must be positive, got " + contextWindow);
    }
    if (maxSteps < 1) {
      throw new IllegalArgumentException("max_steps must be positive, got " + maxSteps);
    }
    for (List<String> rule :
        List.of(toolRules.runFirst(), toolRules.exitLoop(), toolRules.requiredBeforeExit())) {
      for (String tool : rule) {
        if (!tools.contains(tool)) {
          throw new IllegalArgumentException(
              "tool rule names '" + tool + "', which is not in tools " + tools);
        }
      }
    }
  }

  /** These settings with the default {@code search}, {@code tool_rules} and {@code overflow}. */
  public AgentConfig(
      String name,
      String description,
      String model,
      Optional<String> baseUrl,
      int contextWindow,
      int maxSteps,
      List<String> tools,
      Durability durability,
      ObjectNode extra) {
    this(
        name,
        description,
        model,
        baseUrl,
        contextWindow,
        maxSteps,
        tools,
        durability,
        SearchSettings.defaults(),
        ToolRules.none(),
        Overflow.defaults(),
        extra);
  }

  /** The settings of a new agent called {@code name}. */
  public static AgentConfig defaults(String name) {
    return new AgentConfig(
        name,
        "",
        DEFAULT_MODEL,
        Optional.empty(),
        DEFAULT_CONTEXT_WINDOW,
        DEFAULT_MAX_STEPS,
        DEFAULT_TOOLS,
        Durability.TURN,
        SearchSettings.defaults(),
        ToolRules.none(),
        Overflow.defaults(),
        JsonNodeFactory.instance.objectNode());
  }

  /** The provider part of {@code model}. */
  public String provider() {
    return model.substring(0, model.indexOf('/'));
  }

  /** The model name part of {@code model}. */
  public String modelName() {
    return model.substring(model.indexOf('/') + 1);
  }

  /** This configuration with another model. */
  public AgentConfig withModel(String newModel) {
    return new AgentConfig(
        name,
        description,
        newModel,
        baseUrl,
        contextWindow,
        maxSteps,
        tools,
        durability,
        search,
        toolRules,
        overflow,
        extra);
  }

  /** This configuration with other search settings. */
  public AgentConfig withSearch(SearchSettings newSearch) {
    return new AgentConfig(
        name,
        description,
        model,
        baseUrl,
        contextWindow,
        maxSteps,
        tools,
        durability,
        newSearch,
        toolRules,
        overflow,
        extra);
  }

  /** This configuration with other tools and tool rules. */
  public AgentConfig withTools(List<String> newTools, ToolRules newRules) {
    return new AgentConfig(
        name,
        description,
        model,
        baseUrl,
        contextWindow,
        maxSteps,
        newTools,
        durability,
        search,
        newRules,
        overflow,
        extra);
  }

  /** This configuration with another context window and overflow settings. */
  public AgentConfig withContext(int newContextWindow, Overflow newOverflow) {
    return new AgentConfig(
        name,
        description,
        model,
        baseUrl,
        newContextWindow,
        maxSteps,
        tools,
        durability,
        search,
        toolRules,
        newOverflow,
        extra);
  }

  /**
   * agent.yaml as read, each top-level key on its own: a key whose value is wrong is listed in
   * {@code broken} and its default is used in {@code config}, so one typo does not stop what does
   * not need that key.
   *
   * @param config the settings, with defaults for the broken keys
   * @param broken the keys that did not load, in file order
   * @param warnings unknown keys and tools
   */
  public record Read(AgentConfig config, List<Broken> broken, List<Problem> warnings) {
    /** Copies the lists. */
    public Read {
      Objects.requireNonNull(config, "config");
      broken = List.copyOf(broken);
      warnings = List.copyOf(warnings);
    }

    /** The first broken key among {@code keys} (among all keys when none are given). */
    public Optional<Broken> firstBroken(String... keys) {
      List<String> wanted = List.of(keys);
      return broken.stream().filter(b -> wanted.isEmpty() || wanted.contains(b.key())).findFirst();
    }
  }

  /**
   * A top-level key of agent.yaml that did not load.
   *
   * @param key the key, or an empty string for text that names no key (a file that is not a
   *     mapping, a line of broken YAML without a key)
   * @param problem what is wrong, with the line
   */
  public record Broken(String key, Problem problem) {
    /** Validates. */
    public Broken {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(problem, "problem");
    }
  }

  /**
   * Parses the text of agent.yaml.
   *
   * @param warnings receives a warning for each unknown key or tool
   * @throws ConfigException naming the line of the first wrong value
   */
  public static AgentConfig parse(String text, String dirName, List<Problem> warnings) {
    try {
      YamlMap.parse(text, FILE, 1);
    } catch (ConfigException e) {
      throw e;
    } catch (FormatException e) {
      throw new ConfigException(e.file(), e.line(), e.detail());
    }
    Read read = read(text, dirName);
    warnings.addAll(read.warnings());
    if (!read.broken().isEmpty()) {
      Problem p = read.broken().get(0).problem();
      throw new ConfigException(p.file(), p.line(), p.message());
    }
    return read.config();
  }

  /**
   * Reads agent.yaml key by key; never throws for what the text holds. YAML that does not parse as
   * a whole is read again one top-level key (a line starting in column 0 and the indented lines
   * after it) at a time, so a syntax error breaks only its own key.
   */
  public static Read read(String text, String dirName) {
    List<Broken> broken = new ArrayList<>();
    List<Problem> warnings = new ArrayList<>();
    YamlMap y;
    try {
      y = YamlMap.parse(text, FILE, 1);
    } catch (FormatException e) {
      y = readKeyByKey(text, broken);
    }
    AgentConfig config = read(y, dirName, warnings, broken);
    return new Read(config, broken, warnings);
  }

  /** The settings when agent.yaml cannot be read at all ({@code problem} says why). */
  public static Read unreadable(String dirName, Problem problem) {
    return new Read(defaults(dirName), List.of(new Broken("", problem)), List.of());
  }

  private static final Pattern KEY_START = Pattern.compile("([A-Za-z_][A-Za-z0-9_.-]*)\\s*:.*");

  private static YamlMap readKeyByKey(String text, List<Broken> broken) {
    List<String> lines = text.lines().toList();
    List<YamlMap> parts = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String l = lines.get(i);
      if (l.isBlank() || l.startsWith("#") || l.equals("---") || l.equals("...")) {
        i++;
        continue;
      }
      int start = i;
      StringBuilder chunk = new StringBuilder(l).append('\n');
      for (i++; i < lines.size(); i++) {
        String next = lines.get(i);
        if (!next.isEmpty() && !Character.isWhitespace(next.charAt(0)) && !next.startsWith("#")) {
          break;
        }
        chunk.append(next).append('\n');
      }
      var m = KEY_START.matcher(l);
      String key = m.matches() ? m.group(1) : "";
      try {
        YamlMap part = YamlMap.parse(chunk.toString(), FILE, start + 1);
        if (parts.stream().anyMatch(p -> p.keys().stream().anyMatch(part.keys()::contains))) {
          broken.add(
              new Broken(key, Problem.error(FILE, start + 1, "duplicate key '" + key + "'")));
        } else {
          parts.add(part);
        }
      } catch (FormatException e) {
        broken.add(new Broken(key, Problem.of(e)));
      }
    }
    return YamlMap.join(parts, FILE);
  }

  private interface KeyReader<T> {
    T read();
  }

  private static <T> T key(List<Broken> broken, String key, T fallback, KeyReader<T> reader) {
    try {
      return reader.read();
    } catch (FormatException e) {
      broken.add(new Broken(key, Problem.of(e)));
      return fallback;
    }
  }

  private static AgentConfig read(
      YamlMap y, String dirName, List<Problem> warnings, List<Broken> broken) {
    String model =
        key(
            broken,
            "model",
            DEFAULT_MODEL,
            () -> {
              String m = y.string("model").orElse(DEFAULT_MODEL);
              String modelProblem = checkModel(m);
              if (modelProblem != null) {
                throw new ConfigException(FILE, y.line("model"), modelProblem);
              }
              return m;
            });
    Optional<String> baseUrl =
        key(
            broken,
            "base_url",
            Optional.empty(),
            () -> {
              Optional<String> u = y.string("base_url");
              if (u.isPresent()
                  && !(u.get().startsWith("http://") || u.get().startsWith("https://"))) {
                throw y.error(
                    "base_url", "must start with http:// or https://, got \"" + u.get() + "\"");
              }
              return u;
            });
    List<String> tools =
        key(broken, "tools", DEFAULT_TOOLS, () -> y.stringList("tools").orElse(DEFAULT_TOOLS));
    for (String tool : tools) {
      if (!KNOWN_TOOLS.contains(tool)) {
        warnings.add(
            Problem.warning(
                FILE,
                y.line("tools"),
                "unknown tool '" + tool + "' (known: " + String.join(", ", KNOWN_TOOLS) + ")"));
      }
    }
    ObjectNode extra = y.unknown(KNOWN_KEYS);
    for (Iterator<String> it = extra.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals(MAX_TOKENS_FIELD) && !key.equals(GIT)) {
        warnings.add(Problem.warning(FILE, y.line(key), "unknown key '" + key + "' (kept as is)"));
      }
    }
    if (extra.has(MAX_TOKENS_FIELD)) {
      key(
          broken,
          MAX_TOKENS_FIELD,
          null,
          () -> {
            String v = extra.get(MAX_TOKENS_FIELD).asText();
            if (!v.equals("max_tokens") && !v.equals("max_completion_tokens")) {
              throw y.error(
                  MAX_TOKENS_FIELD,
                  "must be max_tokens or max_completion_tokens, got \"" + v + "\"");
            }
            return v;
          });
    }
    if (extra.has(GIT)) {
      key(broken, GIT, null, () -> git(y, extra));
    }
    Durability durability =
        key(broken, "history", Durability.TURN, () -> history(y, warnings, extra));
    ObjectNode unknownSearch = JsonNodeFactory.instance.objectNode();
    SearchSettings search =
        key(
            broken,
            "search",
            SearchSettings.defaults(),
            () -> SearchSettings.parse(y, warnings, unknownSearch));
    if (!unknownSearch.isEmpty()) {
      extra.set("search", unknownSearch);
    }
    ObjectNode unknownRules = JsonNodeFactory.instance.objectNode();
    ToolRules toolRules =
        key(
            broken,
            ToolRules.KEY,
            ToolRules.none(),
            () -> ToolRules.parse(y, tools, warnings, unknownRules));
    if (!unknownRules.isEmpty()) {
      extra.set(ToolRules.KEY, unknownRules);
    }
    ObjectNode unknownOverflow = JsonNodeFactory.instance.objectNode();
    Overflow overflow =
        key(
            broken,
            Overflow.KEY,
            Overflow.defaults(),
            () -> Overflow.parse(y, warnings, unknownOverflow));
    if (!unknownOverflow.isEmpty()) {
      extra.set(Overflow.KEY, unknownOverflow);
    }
    String name = key(broken, "name", dirName, () -> y.string("name").orElse(dirName));
    String description = key(broken, "description", "", () -> y.string("description").orElse(""));
    int contextWindow =
        key(
            broken,
            "context_window",
            DEFAULT_CONTEXT_WINDOW,
            () -> y.integer("context_window", 1).orElse(DEFAULT_CONTEXT_WINDOW));
    int maxSteps =
        key(
            broken,
            "max_steps",
            DEFAULT_MAX_STEPS,
            () -> y.integer("max_steps", 1).orElse(DEFAULT_MAX_STEPS));
    broken.sort(java.util.Comparator.comparingInt(b -> b.problem().line()));
    return new AgentConfig(
        name,
        description,
        model,
        baseUrl,
        contextWindow,
        maxSteps,
        tools,
        durability,
        search,
        toolRules,
        overflow,
        extra);
  }

  /** True when agent.yaml says {@code git: autocommit: true}. */
  public boolean gitAutocommit() {
    JsonNode v = extra.path(GIT).path("autocommit");
    return v.isBoolean() && v.booleanValue();
  }

  private static Void git(YamlMap y, ObjectNode extra) {
    JsonNode git = extra.get(GIT);
    if (!git.isObject()) {
      throw y.error(GIT, "must be a mapping like 'autocommit: true', got \"" + git.asText() + "\"");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = git.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("autocommit")) {
        throw new ConfigException(
            FILE,
            y.line(GIT, e.getKey()),
            "unknown key 'git." + e.getKey() + "' (known: autocommit)");
      }
      if (!e.getValue().isBoolean()) {
        throw new ConfigException(
            FILE,
            y.line(GIT, "autocommit"),
            "'git.autocommit' must be true or false, got \"" + e.getValue().asText() + "\"");
      }
    }
    return null;
  }

  private static Durability history(YamlMap y, List<Problem> warnings, ObjectNode extra) {
    Durability durability = Durability.TURN;
    Optional<ObjectNode> history = y.object("history");
    if (history.isEmpty()) {
      return durability;
    }
    ObjectNode unknown = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = history.get().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("durability")) {
        JsonNode v = e.getValue();
        try {
          durability = Durability.parse(v.isTextual() ? v.textValue() : v.toString());
        } catch (IllegalArgumentException ex) {
          throw new ConfigException(
              FILE,
              y.line("history", "durability"),
              "'history.durability' " + ex.getMessage().substring("durability ".length()));
        }
      } else {
        warnings.add(
            Problem.warning(
                FILE,
                y.line("history", e.getKey()),
                "unknown key 'history." + e.getKey() + "' (kept as is)"));
        unknown.set(e.getKey(), e.getValue());
      }
    }
    if (!unknown.isEmpty()) {
      extra.set("history", unknown);
    }
    return durability;
  }

  /** Renders agent.yaml: known keys in a fixed order, then unknown keys as they were read. */
  public String toYaml() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("name", name);
    if (!description.isEmpty()) {
      n.put("description", description);
    }
    n.put("model", model);
    baseUrl.ifPresent(u -> n.put("base_url", u));
    n.put("context_window", contextWindow);
    n.put("max_steps", maxSteps);
    tools.forEach(n.putArray("tools")::add);
    ObjectNode history = n.putObject("history");
    history.put("durability", durability.word());
    ObjectNode searchNode = search.toNode();
    if (!searchNode.isEmpty()) {
      n.set("search", searchNode);
    }
    putSection(n, ToolRules.KEY, toolRules.toNode());
    putSection(n, Overflow.KEY, overflow.toNode());
    for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("history") && e.getValue().isObject()) {
        e.getValue().fields().forEachRemaining(h -> history.set(h.getKey(), h.getValue()));
      } else if ((e.getKey().equals("search")
              || e.getKey().equals(ToolRules.KEY)
              || e.getKey().equals(Overflow.KEY))
          && e.getValue().isObject()) {
        ObjectNode s = n.has(e.getKey()) ? (ObjectNode) n.get(e.getKey()) : n.putObject(e.getKey());
        e.getValue().fields().forEachRemaining(h -> s.set(h.getKey(), h.getValue()));
      } else {
        n.set(e.getKey(), e.getValue());
      }
    }
    return YamlMap.write(n);
  }

  private static void putSection(ObjectNode n, String key, ObjectNode section) {
    if (!section.isEmpty()) {
      n.set(key, section);
    }
  }

  /**
   * What is wrong with {@code model} as {@code provider/name}, or empty when it is well formed and
   * names a known provider.
   */
  public static java.util.Optional<String> modelProblem(String model) {
    return java.util.Optional.ofNullable(checkModel(model));
  }

  private static String checkModel(String model) {
    var m = MODEL.matcher(model);
    if (!m.matches()) {
      return "'model' must be provider/name, for example openai/gpt-4o-mini, got \"" + model + "\"";
    }
    if (!PROVIDERS.contains(m.group(1))) {
      return "'model' names an unknown provider \""
          + m.group(1)
          + "\" (known: "
          + String.join(", ", PROVIDERS)
          + ")";
    }
    return null;
  }
}
