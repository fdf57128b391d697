package dev.memdir.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.MemdirException;
import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.AgentConfig;
import dev.memdir.memory.CoreMemory;
import dev.memdir.search.Search;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tools one agent offers its model, and their dispatch. A call never throws for anything the
 * model did wrong: an unknown tool, bad arguments, an edit refused, a path outside the agent
 * directory all come back as a {@link ToolResult.Failure} whose message says what to do instead,
 * and nothing is written. Not thread-safe: the step loop runs calls one after another.
 *
 * <pre>
 * Toolbox tools = new Toolbox(memory, archival, search, config.tools());
 * ToolResult r = tools.call("memory_insert", args, seen);
 * </pre>
 */
public final class Toolbox {
  /** The MemGPT-style reply tool; calling it ends the turn. */
  public static final String SEND_MESSAGE = "send_message";

  private static final System.Logger LOG = System.getLogger(Toolbox.class.getName());

  private final CoreMemory memory;
  private final Set<String> memoryTools = new HashSet<>();
  private final Map<String, Tool> available = new LinkedHashMap<>();
  private final List<String> enabled;
  private final List<String> unavailable;

  /**
   * The tools of an agent.
   *
   * @param enabled the tool names agent.yaml lists; those memdir does not implement are left out of
   *     {@link #definitions()} and listed by {@link #unavailable()}
   */
  public Toolbox(CoreMemory memory, ArchivalStore archival, Search search, List<String> enabled) {
    this.memory = memory;
    List<Tool> all = new ArrayList<>();
    all.addAll(new MemoryTools(memory).all());
    all.forEach(t -> memoryTools.add(t.name()));
    all.addAll(new ArchivalTools(archival).all());
    all.addAll(new SearchTools(search).all());
    all.addAll(MessageTools.all());
    for (String name : AgentConfig.KNOWN_TOOLS) {
      all.stream().filter(t -> t.name().equals(name)).forEach(t -> available.put(name, t));
    }
    for (Tool t : all) {
      available.putIfAbsent(t.name(), t);
    }
    this.enabled = enabled.stream().filter(available::containsKey).distinct().toList();
    this.unavailable = enabled.stream().filter(n -> !available.containsKey(n)).distinct().toList();
  }

  /** The names of the tools offered, in agent.yaml's order. */
  public List<String> names() {
    return enabled;
  }

  /** Whether the tool is offered. */
  public boolean offers(String name) {
    return enabled.contains(name);
  }

  /** The definitions of the tools offered, in agent.yaml's order. */
  public List<ToolDefinition> definitions() {
    return enabled.stream().map(n -> available.get(n).definition()).toList();
  }

  /** Every tool memdir implements, offered or not. */
  public List<ToolDefinition> all() {
    return available.values().stream().map(Tool::definition).toList();
  }

  /** Names agent.yaml lists that this memdir does not implement; they are not offered. */
  public List<String> unavailable() {
    return unavailable;
  }

  /**
   * Runs one call.
   *
   * @param name the tool the model called
   * @param arguments its arguments, already parsed as a JSON object
   * @param seen the block values the model saw, updated by successful memory edits
   */
  public ToolResult call(String name, ObjectNode arguments, SeenBlocks seen) {
    Tool tool = available.get(name);
    if (tool == null || !enabled.contains(name)) {
      return ToolResult.failure(
          (tool == null ? "there is no tool '" : "the tool '")
              + Tools.shorten(name)
              + (tool == null ? "'" : "' is not offered to you")
              + "; your tools are: "
              + String.join(", ", enabled));
    }
    Args args = new Args(arguments, tool.definition().argumentNames());
    List<String> unknown = args.unknown();
    String note =
        unknown.isEmpty()
            ? ""
            : " (ignored unknown argument"
                + (unknown.size() == 1 ? " '" : "s '")
                + String.join("', '", unknown.stream().map(Tools::shorten).toList())
                + "'; the arguments of "
                + name
                + " are: "
                + String.join(", ", args.known())
                + ")";
    ToolResult r;
    try {
      r = ToolResult.success(tool.run(args, seen) + note);
    } catch (MemdirException | IllegalArgumentException e) {
      r = ToolResult.failure(e.getMessage() + note);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "tool " + name + " failed unexpectedly", e);
      r = ToolResult.failure(name + " failed unexpectedly: " + e + note);
    }
    return memoryTools.contains(name) ? withNotices(r) : r;
  }

  /**
   * {@code r} with what memory told since the last memory tool: an earlier edit of the model's that
   * lost to a person's save, so that the model does not go on believing it stands.
   */
  private ToolResult withNotices(ToolResult r) {
    List<String> notices = memory.takeNotices();
    if (notices.isEmpty()) {
      return r;
    }
    String told =
        (r instanceof ToolResult.Failure f ? f.message() : r.content())
            + "\n\nMeanwhile a person edited your memory by hand, and it wins over your edits: "
            + String.join("; ", notices)
            + ". Read the block again before you rely on it.";
    return r.isError() ? ToolResult.failure(told) : ToolResult.success(told);
  }
}
