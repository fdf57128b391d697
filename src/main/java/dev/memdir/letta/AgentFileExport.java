package dev.memdir.letta;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.MemdirException;
import dev.memdir.Version;
import dev.memdir.format.AgentConfig;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import dev.memdir.history.Record;
import dev.memdir.memory.Block;
import dev.memdir.memory.CoreMemory;
import dev.memdir.tools.ToolDefinition;
import dev.memdir.tools.Toolbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Exports an agent directory as a Letta agent file ({@code .af}) in the shape of Letta's {@code
 * AgentFileSchema}:
 *
 * <pre>
 * byte[] af = AgentFileExport.export(Path.of("agents/ezra"));
 * </pre>
 *
 * <p>Blocks become {@code blocks} (labels as paths, limits, descriptions, read_only, metadata), the
 * history becomes {@code messages} with content parts, tool calls and tool returns, files under
 * {@code files/} one source, {@code files/skills/NAME/} skills. Importing the result gives the same
 * agent again. What Letta has no place for (memdir's search settings, for one) is returned as
 * notes.
 */
public final class AgentFileExport {
  /** The most recent messages listed as in context, after the system message. */
  static final int IN_CONTEXT = 50;

  private static final long MAX_FILE_BYTES = 16L << 20;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private AgentFileExport() {}

  /** The agent file's bytes (UTF-8 JSON). */
  public static byte[] export(Path agentDir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(agentDir, out);
    return out.toByteArray();
  }

  /** Writes the agent file to {@code out} (not closed); returns what Letta has no place for. */
  public static List<ImportReport.Item> write(Path agentDir, OutputStream out) {
    List<ImportReport.Item> notes = new ArrayList<>();
    ObjectNode af = build(agentDir, notes);
    try {
      // Indented as Letta writes agent files: two spaces, "key": value.
      DefaultPrettyPrinter pp =
          new DefaultPrettyPrinter(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                      .withObjectEmptySeparator("")
                      .withArrayEmptySeparator(""))
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n"));
      out.write(AfReader.JSON.writer(pp).writeValueAsBytes(af));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new MemdirException("cannot write the agent file: " + e.getMessage(), e);
    }
    return notes;
  }

  /** Writes the agent file to {@code af} (replaced whole); returns what Letta has no place for. */
  public static List<ImportReport.Item> writeFile(Path agentDir, Path af) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<ImportReport.Item> notes = write(agentDir, out);
    AtomicFiles.write(af, out.toByteArray());
    return notes;
  }

  private static ObjectNode build(Path agentDir, List<ImportReport.Item> notes) {
    try (Agent agent = Agent.open(agentDir)) {
      for (Problem p : agent.configProblems()) {
        notes.add(new ImportReport.Item(p.file(), "broken, its default was exported: " + p));
      }
      AgentConfig config = agent.config();
      ObjectNode af = F.objectNode();
      ArrayNode agents = af.putArray("agents");
      af.putArray("groups");
      ArrayNode blocks = af.putArray("blocks");
      ArrayNode files = af.putArray("files");
      ArrayNode sources = af.putArray("sources");
      ArrayNode tools = af.putArray("tools");
      af.putArray("mcp_servers");
      ObjectNode a = agents.addObject();
      a.put("name", config.name());
      a.putArray("memory_blocks");
      a.putArray("tools");
      ArrayNode toolIds = a.putArray("tool_ids");
      ArrayNode sourceIds = a.putArray("source_ids");
      ArrayNode blockIds = a.putArray("block_ids");
      a.set("tool_rules", rules(config));
      a.putArray("tags").add("origin:memdir");
      String system = agent.systemPrompt();
      a.put("system", system.endsWith("\n") ? system.substring(0, system.length() - 1) : system);
      a.put("agent_type", "memgpt_v2_agent");
      a.put("include_base_tools", false);
      a.put("include_multi_agent_tools", false);
      a.put("include_base_tool_rules", false);
      a.put("include_default_source", false);
      a.put("description", config.description());
      a.putNull("metadata");
      a.set("llm_config", ModelMapping.toLetta(config));
      a.set("embedding_config", embedding());
      a.put("timezone", "UTC");
      a.put("message_buffer_autoclear", false);
      a.put("id", "agent-0");
      blocks(agent.memory(), blocks, blockIds, notes);
      tools(agent, config, tools, toolIds);
      ArrayNode inContext = a.putArray("in_context_message_ids");
      a.set("messages", messages(agent, system, inContext, notes));
      a.putArray("files_agents");
      a.putArray("group_ids");
      ArrayNode skills = F.arrayNode();
      files(agent.layout().filesDir(), files, sources, sourceIds, skills, notes);
      if (!skills.isEmpty()) {
        af.set("skills", skills);
      }
      af.putObject("metadata").put("exported_by", "memdir " + Version.get());
      af.put(
          "created_at",
          DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC)));
      unmapped(config, notes);
      return af;
    }
  }

  private static void unmapped(AgentConfig config, List<ImportReport.Item> notes) {
    AgentConfig d = AgentConfig.defaults(config.name());
    if (config.maxSteps() != d.maxSteps()) {
      notes.add(new ImportReport.Item("agent.yaml", "max_steps: not exported (Letta has none)"));
    }
    if (!config.search().equals(dev.memdir.format.SearchSettings.defaults())) {
      notes.add(new ImportReport.Item("agent.yaml", "search settings: not exported"));
    }
    if (!config.overflow().equals(dev.memdir.format.Overflow.defaults())) {
      notes.add(new ImportReport.Item("agent.yaml", "overflow settings: not exported"));
    }
    if (!config.extra().isEmpty()) {
      notes.add(
          new ImportReport.Item(
              "agent.yaml",
              "other keys ("
                  + String.join(", ", AfReader.fieldNames(config.extra()))
                  + "): not exported"));
    }
  }

  private static ArrayNode rules(AgentConfig config) {
    ArrayNode out = F.arrayNode();
    Map<String, List<String>> byType = new LinkedHashMap<>();
    byType.put("run_first", config.toolRules().runFirst());
    byType.put("exit_loop", config.toolRules().exitLoop());
    byType.put("required_before_exit", config.toolRules().requiredBeforeExit());
    for (Map.Entry<String, List<String>> e : byType.entrySet()) {
      for (String tool : e.getValue()) {
        ObjectNode r = out.addObject();
        r.put("tool_name", LettaTools.toLetta(tool).orElse(tool));
        r.put("type", e.getKey());
      }
    }
    return out;
  }

  private static ObjectNode embedding() {
    // Letta's server wants an embedding for sources; memdir searches with BM25 and has none.
    ObjectNode e = F.objectNode();
    e.put("embedding_endpoint_type", "openai");
    e.put("embedding_endpoint", "https://api.openai.com/v1");
    e.put("embedding_model", "text-embedding-3-small");
    e.put("embedding_dim", 1536);
    e.put("embedding_chunk_size", 300);
    e.put("handle", "openai/text-embedding-3-small");
    return e;
  }

  private static void blocks(
      CoreMemory memory, ArrayNode blocks, ArrayNode ids, List<ImportReport.Item> notes) {
    CoreMemory.Snapshot s = memory.load();
    for (Problem p : s.problems()) {
      if (p.isError() && !p.message().contains("over its limit")) {
        notes.add(new ImportReport.Item(p.file(), "not exported: " + p.message()));
      }
    }
    int i = 0;
    for (Block b : s.blocks()) {
      String id = "block-" + i++;
      ObjectNode o = blocks.addObject();
      o.put("value", b.value());
      o.put("limit", b.limit());
      o.put("is_template", false);
      o.put("preserve_on_migration", false);
      o.put("label", b.label());
      o.put("read_only", b.readOnly());
      o.put("description", b.description());
      o.set("metadata", b.metadata());
      o.put("id", id);
      ids.add(id);
      if (!b.extra().isEmpty()) {
        notes.add(
            new ImportReport.Item(
                "memory/" + b.label() + ".md",
                "front matter keys "
                    + String.join(", ", AfReader.fieldNames(b.extra()))
                    + ": not exported"));
      }
    }
  }

  private static void tools(Agent agent, AgentConfig config, ArrayNode tools, ArrayNode ids) {
    Toolbox box = new Toolbox(agent.memory(), agent.archival(), agent.search(), config.tools());
    int i = 0;
    for (ToolDefinition d : box.definitions()) {
      String name = LettaTools.toLetta(d.name()).orElse(null);
      if (name == null) {
        continue; // close_files: Letta's open_files closes files itself
      }
      String id = "tool-" + i++;
      ObjectNode t = tools.addObject();
      t.put("id", id);
      t.put("tool_type", LettaTools.toolType(d.name()));
      t.put("description", d.description());
      t.put("source_type", "python");
      t.put("name", name);
      t.putArray("tags").add(LettaTools.toolType(d.name()));
      t.putNull("source_code");
      ObjectNode schema = t.putObject("json_schema");
      schema.put("name", name);
      schema.put("description", d.description());
      schema.set("parameters", d.parameters());
      t.put("return_char_limit", 50000);
      t.putObject("metadata_");
      ids.add(id);
    }
  }

  private static ArrayNode messages(
      Agent agent, String system, ArrayNode inContext, List<ImportReport.Item> notes) {
    ArrayNode out = F.arrayNode();
    Instant first;
    List<Record> records;
    try (Stream<Record> s = agent.history().stream()) {
      records = s.toList();
    }
    first = records.isEmpty() ? Instant.now() : records.get(0).ts();
    ObjectNode sys = message(0, "system", text(system), first);
    out.add(sys);
    inContext.add("message-0");
    int n = 1;
    int covers = 0;
    for (Record r : records) {
      ObjectNode m = message(r, n, notes);
      if (m == null) {
        continue;
      }
      if (r.field("covers").isPresent()) {
        covers++;
      }
      out.add(m);
      n++;
    }
    if (covers > 0) {
      notes.add(
          new ImportReport.Item(
              "history/",
              covers
                  + " summaries: the records they cover are"
                  + " not marked in the agent file (Letta has no such field)"));
    }
    int from = Math.max(1, n - IN_CONTEXT);
    // Start the in-context tail at a user message, so no tool result lacks its call.
    while (from < n && !out.get(from).path("role").asText().equals("user")) {
      from++;
    }
    for (int i = from; i < n; i++) {
      inContext.add("message-" + i);
    }
    return out;
  }

  private static ObjectNode message(Record r, int n, List<ImportReport.Item> notes) {
    String role = r.role();
    String lettaRole = role;
    String tag = null;
    switch (role) {
      case "user", "assistant", "system", "tool" -> {}
      case "summary" -> {
        lettaRole = "system";
        tag = AfReader.SUMMARY_NAME;
      }
      case "event" -> {
        lettaRole = "system";
        tag = AfReader.EVENT_NAME;
      }
      default -> {
        notes.add(
            new ImportReport.Item(
                "history/",
                "record " + r.id() + ": role '" + role + "' has no Letta role; not exported"));
        return null;
      }
    }
    ObjectNode extras =
        r.field(AfReader.EXTRAS)
            .filter(JsonNode::isObject)
            .map(x -> (ObjectNode) x)
            .orElse(F.objectNode());
    JsonNode parts = extras.has("content") ? extras.get("content") : text(r.content());
    ObjectNode m = message(n, lettaRole, parts, r.ts());
    if (tag != null) {
      m.put("name", tag);
    }
    r.toolCalls().filter(JsonNode::isArray).ifPresent(c -> m.set("tool_calls", c));
    r.toolCallId().ifPresent(id -> m.put("tool_call_id", id));
    r.name().ifPresent(x -> m.put("name", x));
    if (role.equals("tool")) {
      ArrayNode returns = m.putArray("tool_returns");
      ObjectNode ret = returns.addObject();
      ret.put("tool_call_id", r.toolCallId().orElse(""));
      ret.put(
          "status",
          r.field("is_error").map(JsonNode::asBoolean).orElse(false) ? "error" : "success");
      ret.putNull("stdout");
      ret.putNull("stderr");
      ret.put("func_response", r.content());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = extras.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("content")) {
        m.set(e.getKey(), e.getValue());
      }
    }
    return m;
  }

  private static ObjectNode message(int n, String role, JsonNode content, Instant ts) {
    ObjectNode m = F.objectNode();
    m.put("type", "message");
    m.put("role", role);
    m.set("content", content);
    m.put("id", "message-" + n);
    m.put("agent_id", "agent-0");
    m.put("created_at", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(ts.atOffset(ZoneOffset.UTC)));
    return m;
  }

  private static ArrayNode text(String text) {
    ArrayNode parts = F.arrayNode();
    if (!text.isEmpty()) {
      ObjectNode p = parts.addObject();
      p.put("type", "text");
      p.put("text", text);
    }
    return parts;
  }

  private static void files(
      Path dir,
      ArrayNode files,
      ArrayNode sources,
      ArrayNode sourceIds,
      ArrayNode skills,
      List<ImportReport.Item> notes) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all =
          s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
              .filter(p -> !hidden(dir, p))
              .sorted()
              .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new MemdirException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    Map<String, ObjectNode> skillFiles = new LinkedHashMap<>();
    int i = 0;
    for (Path p : all) {
      String rel = dir.relativize(p).toString().replace('\\', '/');
      String text;
      try {
        if (Files.size(p) > MAX_FILE_BYTES) {
          notes.add(new ImportReport.Item("files/" + rel, "over 16 MiB; not exported"));
          continue;
        }
        text = TextFiles.decode(Files.readAllBytes(p), "files/" + rel);
      } catch (IOException | MemdirException e) {
        notes.add(new ImportReport.Item("files/" + rel, "not UTF-8 text; not exported"));
        continue;
      }
      String[] parts = rel.split("/", 3);
      if (parts.length == 3 && parts[0].equals("skills")) {
        skillFiles.computeIfAbsent(parts[1], k -> F.objectNode()).put(parts[2], text);
        continue;
      }
      if (i == 0) {
        ObjectNode src = sources.addObject();
        src.put("name", "files");
        src.put("description", "The agent's files/ folder, exported by memdir.");
        src.putObject("metadata").put(AfReader.FILES_ROOT_KEY, true);
        src.set("embedding_config", embedding());
        src.put("id", "source-0");
        sourceIds.add("source-0");
      }
      ObjectNode f = files.addObject();
      f.put("source_id", "source-0");
      f.put("file_name", rel);
      f.put("original_file_name", p.getFileName().toString());
      f.put("file_size", text.length());
      f.put("processing_status", "completed");
      f.put("content", text);
      f.put("id", "file-" + i++);
    }
    for (Map.Entry<String, ObjectNode> s : skillFiles.entrySet()) {
      ObjectNode skill = skills.addObject();
      skill.put("name", s.getKey());
      skill.set("files", s.getValue());
      skill.putNull("source_url");
    }
  }

  private static boolean hidden(Path dir, Path p) {
    for (Path part : dir.relativize(p)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
