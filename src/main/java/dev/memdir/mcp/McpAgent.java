package dev.memdir.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.MemdirException;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import dev.memdir.memory.Block;
import dev.memdir.memory.CoreMemory;
import dev.memdir.search.FileWindow;
import dev.memdir.search.Results;
import dev.memdir.search.Search;
import dev.memdir.tools.SeenBlocks;
import dev.memdir.tools.ToolDefinition;
import dev.memdir.tools.ToolResult;
import dev.memdir.tools.Toolbox;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One agent directory as MCP clients use it: its {@link Toolbox} plus {@code history_append}, and
 * what each client session last saw of core memory. Calls are serialized, because the toolbox is
 * not thread-safe and HTTP clients call concurrently.
 */
final class McpAgent implements AutoCloseable {
  /** The tool that logs a client's exchange in the history. */
  static final String HISTORY_APPEND = "history_append";

  /** The largest content history_append takes, in chars (the CLI's stdin cap). */
  static final int MAX_HISTORY_CHARS = 1 << 20;

  /** The roles a client may log. */
  static final List<String> ROLES = List.of("user", "assistant", "system", "event");

  /** The tools that write (and so commit with {@code git: autocommit}). */
  private static final Set<String> WRITES =
      Set.of(
          "memory_replace",
          "memory_insert",
          "memory_rethink",
          "core_memory_append",
          "core_memory_replace",
          "archival_memory_insert",
          HISTORY_APPEND);

  /** Sessions remembered per agent; the oldest is forgotten past this. */
  private static final int MAX_SESSIONS = 256;

  private final String name;
  private final Agent agent;
  private final Toolbox toolbox;
  private final Search search;
  private final Map<String, SeenBlocks> seen =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SeenBlocks> e) {
          return size() > MAX_SESSIONS;
        }
      };

  private McpAgent(String name, Agent agent) {
    this.name = name;
    this.agent = agent;
    this.search = agent.search();
    this.toolbox = new Toolbox(agent.memory(), agent.archival(), search, agent.config().tools());
  }

  /**
   * Opens the agent directory {@code dir}, known to clients as {@code name}.
   *
   * @throws MemdirException when it is not an agent directory or its search settings are broken
   */
  static McpAgent open(String name, java.nio.file.Path dir) {
    Agent agent = Agent.open(dir);
    try {
      return new McpAgent(name, agent);
    } catch (RuntimeException e) {
      agent.close();
      throw e;
    }
  }

  String name() {
    return name;
  }

  Agent agent() {
    return agent;
  }

  /** The agent's own tools that make sense without its step loop (all but send_message). */
  List<ToolDefinition> definitions() {
    List<ToolDefinition> out = new ArrayList<>();
    for (ToolDefinition d : toolbox.definitions()) {
      if (!d.name().equals(Toolbox.SEND_MESSAGE)) {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * Runs one call for the client session {@code session}; never throws for what the client got
   * wrong: the result says.
   */
  synchronized ToolResult call(String session, String tool, ObjectNode arguments) {
    if (tool.equals(Toolbox.SEND_MESSAGE)) {
      return ToolResult.failure(
          "send_message is for the agent's own model; log an exchange with " + HISTORY_APPEND);
    }
    if (!tool.equals(HISTORY_APPEND) && !toolbox.offers(tool)) {
      // The toolbox words the refusal as it does for the agent's model.
      return toolbox.call(tool, arguments, seenBy(session));
    }
    if (!WRITES.contains(tool)) {
      return run(session, tool, arguments);
    }
    try {
      return agent.write("mcp " + tool, () -> run(session, tool, arguments));
    } catch (MemdirException e) {
      return ToolResult.failure(e.getMessage());
    }
  }

  private ToolResult run(String session, String tool, ObjectNode arguments) {
    if (tool.equals(HISTORY_APPEND)) {
      return historyAppend(arguments);
    }
    ToolResult r = toolbox.call(tool, arguments, seenBy(session));
    if (tool.equals("open_files") && !r.isError()) {
      return ToolResult.success(r.content() + "\n\n" + windows());
    }
    return r;
  }

  /** The open file windows, which the agent's model would find in its context. */
  private String windows() {
    Results<FileWindow> w = search.openWindows();
    StringBuilder sb = new StringBuilder("<file_windows>\n");
    for (FileWindow f : w.hits()) {
      sb.append(f.render()).append("\n\n");
    }
    w.notes().forEach(n -> sb.append("note: ").append(n).append('\n'));
    return sb.append("</file_windows>").toString();
  }

  private ToolResult historyAppend(ObjectNode a) {
    List<String> unknown = new ArrayList<>();
    a.fieldNames()
        .forEachRemaining(
            f -> {
              if (!List.of("role", "content", "ts").contains(f)) {
                unknown.add(f);
              }
            });
    String role;
    String content;
    Instant ts;
    try {
      role = text(a, "role", true);
      content = text(a, "content", true);
      String time = text(a, "ts", false);
      ts = time == null ? null : time(time);
    } catch (IllegalArgumentException e) {
      return ToolResult.failure(e.getMessage());
    }
    if (!ROLES.contains(role)) {
      return ToolResult.failure(
          "argument 'role' must be one of "
              + String.join(", ", ROLES)
              + ", got \""
              + cut(role)
              + "\"");
    }
    if (content.length() > MAX_HISTORY_CHARS) {
      return ToolResult.failure(
          "argument 'content' is "
              + content.length()
              + " chars, over the limit of "
              + MAX_HISTORY_CHARS
              + "; log a shorter text");
    }
    Message m = Message.of(role, content);
    Record r = ts == null ? agent.history().append(m) : agent.history().append(m, ts);
    agent.history().sync();
    String note =
        unknown.isEmpty()
            ? ""
            : " (ignored unknown argument"
                + (unknown.size() == 1 ? " '" : "s '")
                + String.join("', '", unknown.stream().map(McpAgent::cut).toList())
                + "'; the arguments of history_append are: role, content, ts)";
    return ToolResult.success("Appended to the history as " + r.id() + "." + note);
  }

  /** A text argument, or null when absent and optional. */
  private static String text(ObjectNode a, String field, boolean required) {
    JsonNode v = a.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException(
            "missing required argument '" + field + "' (arguments: role, content, ts)");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(
          "argument '" + field + "' must be a string, got " + cut(v.toString()));
    }
    return v.textValue();
  }

  private static Instant time(String s) {
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "argument 'ts' must be an ISO-8601 time like 2026-11-26T08:30:00Z, got \""
              + cut(s)
              + "\"");
    }
  }

  private static String cut(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
  }

  /** history_append's definition, in the style of the agent's own tools. */
  static ToolDefinition historyAppendDefinition() {
    ObjectNode s = JsonNodeFactory.instance.objectNode().put("type", "object");
    ObjectNode p = s.putObject("properties");
    ObjectNode role =
        p.putObject("role")
            .put("type", "string")
            .put("description", "Who said it: user or assistant (system and event for notes).");
    ROLES.forEach(role.putArray("enum")::add);
    p.putObject("content")
        .put("type", "string")
        .put("description", "What was said, at most " + MAX_HISTORY_CHARS + " chars.");
    p.putObject("ts")
        .put("type", "string")
        .put(
            "description",
            "When, ISO-8601 with an offset, e.g. 2026-11-26T08:30:00Z (default: now).");
    s.putArray("required").add("role").add("content");
    return new ToolDefinition(
        HISTORY_APPEND,
        "Log one message of your conversation with the user in the agent's history, so that"
            + " conversation_search finds it later. Call it for the user's message and for your"
            + " answer.",
        s);
  }

  /** The blocks, recorded as seen by {@code session}. */
  synchronized CoreMemory.Snapshot read(String session) {
    CoreMemory.Snapshot s = agent.memory().load();
    SeenBlocks sb = seenBy(session);
    s.blocks().forEach(b -> sb.saw(b.label(), b.valueHash()));
    return s;
  }

  /** One block, recorded as seen by {@code session}. */
  synchronized Block read(String session, String label) {
    Block b = agent.memory().get(label);
    seenBy(session).saw(b.label(), b.valueHash());
    return b;
  }

  private SeenBlocks seenBy(String session) {
    return seen.computeIfAbsent(session == null ? "" : session, s -> new SeenBlocks());
  }

  @Override
  public synchronized void close() {
    agent.close();
  }
}
