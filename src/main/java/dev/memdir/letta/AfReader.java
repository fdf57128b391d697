package dev.memdir.letta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.format.AgentConfig;
import dev.memdir.format.Durability;
import dev.memdir.format.Overflow;
import dev.memdir.format.SearchSettings;
import dev.memdir.format.TextFiles;
import dev.memdir.format.ToolRules;
import dev.memdir.history.Message;
import dev.memdir.memory.Block;
import dev.memdir.memory.BlockPath;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads an agent file into {@link AgentPlan}s and report items. Every check runs before anything is
 * written; the first bad field throws a {@link LettaFormatException} naming its path.
 */
final class AfReader {
  static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** Where a memdir export keeps the files directly under files/: a source with this metadata. */
  static final String FILES_ROOT_KEY = "memdir_files_root";

  /** The role-tagging names an export gives memdir's own roles, which Letta lacks. */
  static final String SUMMARY_NAME = "memdir_summary";

  static final String EVENT_NAME = "memdir_event";

  /** Where a history record keeps the Letta message fields memdir has no place for. */
  static final String EXTRAS = "letta";

  private static final Set<String> TOP =
      Set.of(
          "agents",
          "groups",
          "blocks",
          "files",
          "sources",
          "tools",
          "mcp_servers",
          "metadata",
          "created_at",
          "skills");

  private static final Set<String> AGENT_MAPPED =
      Set.of(
          "name",
          "description",
          "system",
          "llm_config",
          "model",
          "context_window_limit",
          "tool_ids",
          "tools",
          "tool_rules",
          "block_ids",
          "memory_blocks",
          "messages",
          "in_context_message_ids",
          "source_ids",
          "folder_ids",
          "files_agents",
          "id");

  private static final Set<String> AGENT_KNOWN =
      Set.of(
          "tags",
          "agent_type",
          "initial_message_sequence",
          "include_base_tools",
          "include_multi_agent_tools",
          "include_base_tool_rules",
          "include_default_source",
          "metadata",
          "embedding_config",
          "embedding",
          "model_settings",
          "compaction_settings",
          "embedding_chunk_size",
          "max_tokens",
          "max_reasoning_tokens",
          "enable_reasoner",
          "reasoning",
          "from_template",
          "template",
          "project",
          "tool_exec_environment_variables",
          "secrets",
          "memory_variables",
          "project_id",
          "template_id",
          "base_template_id",
          "identity_ids",
          "message_buffer_autoclear",
          "enable_sleeptime",
          "response_format",
          "timezone",
          "max_files_open",
          "per_file_view_window_char_limit",
          "hidden",
          "parallel_tool_calls",
          "group_ids");

  private static final Set<String> BLOCK_MAPPED =
      Set.of("value", "limit", "label", "read_only", "description", "metadata", "id");

  private static final Set<String> BLOCK_KNOWN =
      Set.of(
          "project_id",
          "template_name",
          "is_template",
          "template_id",
          "base_template_id",
          "deployment_id",
          "entity_id",
          "preserve_on_migration",
          "hidden",
          "tags");

  /** Message fields that become record fields, or are structure (ids, the "message" type). */
  private static final Set<String> MESSAGE_MAPPED =
      Set.of(
          "type",
          "role",
          "content",
          "name",
          "id",
          "agent_id",
          "tool_calls",
          "tool_call_id",
          "tool_returns",
          "created_at");

  /** Message fields kept in the record's {@value #EXTRAS} object. */
  private static final Set<String> MESSAGE_KNOWN =
      Set.of(
          "otid",
          "sender_id",
          "batch_item_id",
          "group_id",
          "model",
          "approve",
          "approval_request_id",
          "denial_reason",
          "approvals",
          "step_id",
          "run_id",
          "is_err");

  private static final Set<String> LETTA_RULES =
      Set.of("run_first", "exit_loop", "required_before_exit");

  private final String file;
  private final List<ImportReport.Item> items = new ArrayList<>();
  private final Map<String, Node> blocks = new HashMap<>();
  private final Map<String, Node> tools = new HashMap<>();
  private final Map<String, Node> sources = new HashMap<>();
  private final List<Node> files = new ArrayList<>();

  private AfReader(String file) {
    this.file = file;
  }

  /** The agents of a file and what could not be mapped. */
  record Read(List<AgentPlan> agents, List<ImportReport.Item> items) {}

  /**
   * Parses and checks a whole agent file.
   *
   * @param file the file's name, for messages
   */
  static Read read(byte[] bytes, String file) {
    AfReader r = new AfReader(file);
    Node root = Node.root(file, r.parse(bytes));
    return new Read(r.agents(root), r.items);
  }

  private JsonNode parse(byte[] bytes) {
    String text = TextFiles.decode(bytes, file);
    JsonNode n = parseText(text, 0);
    // Some tools save the file as a JSON string holding the JSON: decode it again.
    for (int depth = 1; n.isTextual() && depth <= 2; depth++) {
      note(
          "",
          "the file is JSON encoded " + (depth + 1) + " times (a string holding JSON); decoded");
      n = parseText(n.textValue(), depth);
    }
    if (!n.isObject()) {
      throw Node.root(file, n)
          .error("the file must be a JSON object with 'agents', got " + kind(n));
    }
    return n;
  }

  private JsonNode parseText(String text, int depth) {
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null || n.isMissingNode()) {
        throw new LettaFormatException(file, 0, "empty; expected a JSON object with 'agents'");
      }
      return n;
    } catch (JsonProcessingException e) {
      int line = depth == 0 && e.getLocation() != null ? e.getLocation().getLineNr() : 0;
      String msg = e.getOriginalMessage();
      int nl = msg.indexOf('\n');
      throw new LettaFormatException(
          file,
          Math.max(line, 0),
          (depth > 0 ? "the JSON inside the JSON string: " : "")
              + "not JSON: "
              + (nl < 0 ? msg : msg.substring(0, nl)));
    } catch (IOException e) {
      throw new LettaFormatException(file, 0, "not JSON: " + e.getMessage());
    }
  }

  private List<AgentPlan> agents(Node root) {
    for (String key : fieldNames(root.json)) {
      if (!TOP.contains(key) && root.get(key).meaningful()) {
        note(key, "unknown field; not mapped");
      }
    }
    Node agents = root.get("agents");
    if (!agents.present()) {
      throw agents.error("missing");
    }
    index(root.get("blocks"), blocks);
    index(root.get("tools"), tools);
    index(root.get("sources"), sources);
    files.addAll(root.get("files").list());
    for (Node g : root.get("groups").list()) {
      note(
          g.path,
          "group "
              + g.get("description").optText().orElse("")
              + ": not mapped (memdir"
              + " has no multi-agent groups)");
    }
    for (Node m : root.get("mcp_servers").list()) {
      note(
          m.path,
          "MCP server '"
              + m.get("server_name").optText().orElse("?")
              + "': not mapped (memdir does not connect to MCP servers from agent.yaml)");
    }
    Map<String, String> skills = skills(root.get("skills"));
    List<AgentPlan> out = new ArrayList<>();
    Set<String> dirNames = new HashSet<>();
    Set<String> usedSources = new HashSet<>();
    for (Node a : agents.list()) {
      out.add(agent(a, skills, dirNames, usedSources));
    }
    if (out.isEmpty()) {
      throw agents.error("empty; the file holds no agent");
    }
    for (Map.Entry<String, Node> s : sources.entrySet()) {
      if (!usedSources.contains(s.getKey())) {
        note(s.getValue().path, "source attached to no agent; its files were not imported");
      }
    }
    return out;
  }

  private void index(Node list, Map<String, Node> into) {
    for (Node n : list.list()) {
      String id = n.get("id").text();
      if (into.put(id, n) != null) {
        throw n.get("id").error("duplicate id \"" + id + "\"");
      }
    }
  }

  /** Skills: files/skills/NAME/PATH for each file of each skill. */
  private Map<String, String> skills(Node list) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Node s : list.list()) {
      String name = safeName(s.get("name"), s.get("name").text());
      Node fs = s.get("files");
      for (String rel : fieldNames(fs.object())) {
        Node f = fs.get(rel);
        Optional<String> path = safePath(rel);
        if (path.isEmpty()) {
          note(f.path, "skill file path \"" + rel + "\" leaves its folder; not imported");
          continue;
        }
        out.put("skills/" + name + "/" + path.get(), f.text());
      }
      s.get("source_url")
          .optText()
          .ifPresent(u -> note(s.path, "source_url " + u + ": not mapped"));
    }
    return out;
  }

  private AgentPlan agent(
      Node a, Map<String, String> skills, Set<String> dirNames, Set<String> usedSources) {
    a.object();
    String name = a.get("name").optText().filter(n -> !n.isBlank()).orElse("agent");
    List<String> unmapped = new ArrayList<>();
    for (String key : fieldNames(a.json)) {
      Node f = a.get(key);
      if (AGENT_MAPPED.contains(key) || !f.meaningful()) {
        continue;
      }
      if (key.equals("secrets") || key.equals("tool_exec_environment_variables")) {
        // Values may be credentials: name the keys only.
        unmapped.add(key + " (keys: " + String.join(", ", fieldNames(f.json)) + ")");
      } else if (AGENT_KNOWN.contains(key)) {
        unmapped.add(key + " (" + brief(f.json) + ")");
      } else {
        note(f.path, "unknown field; not mapped");
      }
    }
    if (!unmapped.isEmpty()) {
      note(a.path, "not mapped: " + String.join("; ", unmapped));
    }
    List<String> modelNotes = new ArrayList<>();
    ModelMapping.Model model = model(a, modelNotes);
    modelNotes.forEach(n -> note(a.get("llm_config").path, n));
    Tools t = tools(a);
    ToolRules rules = rules(a.get("tool_rules"), t.names());
    int contextWindow =
        a.get("context_window_limit")
            .optInt()
            .orElse(model.contextWindow().orElse(AgentConfig.DEFAULT_CONTEXT_WINDOW));
    if (contextWindow < 1) {
      throw a.get("context_window_limit").error("must be positive, got " + contextWindow);
    }
    AgentConfig config =
        new AgentConfig(
            name,
            a.get("description").optText().orElse("").strip(),
            model.model(),
            model.baseUrl(),
            contextWindow,
            AgentConfig.DEFAULT_MAX_STEPS,
            t.names(),
            Durability.TURN,
            SearchSettings.defaults(),
            rules,
            Overflow.defaults(),
            JsonNodeFactory.instance.objectNode());
    List<Block> bs = blocks(a);
    List<AgentPlan.Entry> history = messages(a);
    if (a.get("name").optText().filter(n -> !n.isBlank()).isEmpty()) {
      note(a.path, "no name; the agent was named \"" + name + "\"");
    }
    if (bs.isEmpty() && history.isEmpty() && a.get("system").optText().orElse("").isEmpty()) {
      note(a.path, "no memory blocks, messages or system prompt: the agent imported empty");
    }
    Map<String, String> fs = new LinkedHashMap<>(files(a, usedSources));
    for (Map.Entry<String, String> s : skills.entrySet()) {
      fs.putIfAbsent(s.getKey(), s.getValue());
    }
    String dir = uniqueDirName(name, dirNames);
    String system = a.get("system").optText().orElse("");
    return new AgentPlan(
        dir,
        config,
        // One line end added, one taken off by the export: the text round-trips exactly.
        system.isEmpty() ? system : system + "\n",
        bs,
        history,
        fs);
  }

  private ModelMapping.Model model(Node a, List<String> notes) {
    Node llm = a.get("llm_config");
    if (llm.present()) {
      llm.object();
      String provider = llm.get("model_endpoint_type").optText().orElse("openai");
      String name = llm.get("model").text();
      ModelMapping.Model m =
          ModelMapping.fromLetta(
              provider.toLowerCase(Locale.ROOT), name, llm.get("model_endpoint").optText(), notes);
      List<String> rest = new ArrayList<>();
      for (String key : fieldNames(llm.json)) {
        if (!ModelMapping.MAPPED.contains(key) && llm.get(key).meaningful()) {
          rest.add(key + " (" + brief(llm.get(key).json) + ")");
        }
      }
      if (!rest.isEmpty()) {
        notes.add("not mapped: " + String.join("; ", rest));
      }
      OptionalInt cw = llm.get("context_window").optInt();
      return new ModelMapping.Model(
          m.model(), m.baseUrl(), cw.isPresent() ? Optional.of(cw.getAsInt()) : Optional.empty());
    }
    Optional<String> handle = a.get("model").optText();
    if (handle.isPresent() && handle.get().contains("/")) {
      String h = handle.get();
      return ModelMapping.fromLetta(
          h.substring(0, h.indexOf('/')), h.substring(h.indexOf('/') + 1), Optional.empty(), notes);
    }
    notes.add("no model given; memdir's default " + AgentConfig.DEFAULT_MODEL + " is used");
    return new ModelMapping.Model(AgentConfig.DEFAULT_MODEL, Optional.empty(), Optional.empty());
  }

  private record Tools(List<String> names) {}

  private Tools tools(Node a) {
    List<String> names = new ArrayList<>();
    List<Node> refs = new ArrayList<>();
    for (Node id : a.get("tool_ids").list()) {
      Node tool = tools.get(id.text());
      if (tool == null) {
        throw id.error("no tool with id \"" + id.text() + "\" in 'tools'");
      }
      refs.add(tool);
    }
    for (Node n : refs) {
      String name = n.get("name").text();
      Optional<String> mapped = LettaTools.toMemdir(name);
      if (mapped.isPresent()) {
        if (!names.contains(mapped.get())) {
          names.add(mapped.get());
        }
        if (!mapped.get().equals(name)) {
          note(n.path, "tool '" + name + "' mapped to memdir's " + mapped.get());
        }
      } else {
        note(
            n.path,
            "tool '"
                + name
                + "' ("
                + n.get("tool_type").optText().orElse("custom")
                + (n.get("source_code").meaningful() ? ", with source code" : "")
                + "): memdir has no such tool; not mapped");
      }
    }
    for (Node n : a.get("tools").list()) {
      String name = n.text();
      Optional<String> mapped = LettaTools.toMemdir(name);
      if (mapped.isPresent() && !names.contains(mapped.get())) {
        names.add(mapped.get());
      } else if (mapped.isEmpty()) {
        note(n.path, "tool '" + name + "': memdir has no such tool; not mapped");
      }
    }
    if (names.contains("open_files") && !names.contains("close_files")) {
      // Letta's open_files closes files itself; memdir splits that into close_files.
      names.add(names.indexOf("open_files") + 1, "close_files");
    }
    if (names.isEmpty()) {
      note(
          a.path, "none of the agent's tools exists in memdir; memdir's default tools are enabled");
      names.addAll(AgentConfig.DEFAULT_TOOLS);
    }
    List<String> ordered = new ArrayList<>();
    AgentConfig.KNOWN_TOOLS.stream().filter(names::contains).forEach(ordered::add);
    return new Tools(ordered);
  }

  private ToolRules rules(Node list, List<String> toolNames) {
    List<String> runFirst = new ArrayList<>();
    List<String> exitLoop = new ArrayList<>();
    List<String> required = new ArrayList<>();
    for (Node r : list.list()) {
      String type = r.get("type").text();
      String tool = r.get("tool_name").optText().orElse("");
      Optional<String> mapped = LettaTools.toMemdir(tool);
      if (!LETTA_RULES.contains(type)) {
        note(r.path, type + " rule on '" + tool + "': memdir has no such rule; not mapped");
      } else if (mapped.isEmpty() || !toolNames.contains(mapped.get())) {
        note(r.path, type + " rule on '" + tool + "', a tool memdir does not offer; not mapped");
      } else {
        List<String> into =
            switch (type) {
              case "run_first" -> runFirst;
              case "exit_loop" -> exitLoop;
              default -> required;
            };
        if (!into.contains(mapped.get())) {
          into.add(mapped.get());
        }
        if (r.get("prompt_template").meaningful()) {
          note(r.get("prompt_template").path, "not mapped (memdir words its own rule prompts)");
        }
      }
    }
    return new ToolRules(runFirst, exitLoop, required);
  }

  private List<Block> blocks(Node a) {
    List<Node> refs = new ArrayList<>();
    for (Node id : a.get("block_ids").list()) {
      Node b = blocks.get(id.text());
      if (b == null) {
        throw id.error("no block with id \"" + id.text() + "\" in 'blocks'");
      }
      refs.add(b);
    }
    refs.addAll(a.get("memory_blocks").list());
    List<Block> out = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    for (Node b : refs) {
      out.add(block(b, labels));
    }
    return out;
  }

  private Block block(Node b, Set<String> labels) {
    b.object();
    String raw = b.get("label").text();
    String value = b.get("value").text();
    int limit = b.get("limit").optInt().orElse(Block.DEFAULT_LIMIT);
    if (limit < 1) {
      throw b.get("limit").error("must be a positive integer, got " + limit);
    }
    String label = label(raw);
    if (!labels.add(label)) {
      String base = label;
      for (int i = 2; !labels.add(label); i++) {
        label = base + "-" + i;
      }
      note(b.get("label").path, "label '" + raw + "' used twice; this block is '" + label + "'");
    } else if (!label.equals(raw)) {
      note(
          b.get("label").path,
          "label '" + raw + "' is not a memdir label; stored as '" + label + "'");
    }
    String normalized = value.replace("\r\n", "\n").replace('\r', '\n');
    if (!normalized.equals(value)) {
      note(b.get("value").path, "carriage returns in the value turned into line ends");
    }
    List<String> rest = new ArrayList<>();
    for (String key : fieldNames(b.json)) {
      if (!BLOCK_MAPPED.contains(key) && b.get(key).meaningful()) {
        if (BLOCK_KNOWN.contains(key)) {
          rest.add(key + " (" + brief(b.get(key).json) + ")");
        } else {
          note(b.get(key).path, "unknown field; not mapped");
        }
      }
    }
    if (!rest.isEmpty()) {
      note(b.path, "block '" + label + "': not mapped: " + String.join("; ", rest));
    }
    ObjectNode metadata =
        b.get("metadata").optObject().orElse(JsonNodeFactory.instance.objectNode());
    ObjectNode empty = JsonNodeFactory.instance.objectNode();
    Block block =
        new Block(
            label,
            b.get("description").optText().orElse(""),
            limit,
            b.get("read_only").optBool().orElse(false),
            metadata,
            normalized,
            empty,
            true,
            "");
    if (block.overLimit()) {
      note(
          b.path,
          "block '"
              + label
              + "' holds "
              + block.chars()
              + " chars, over its limit of "
              + limit
              + "; kept whole: memdir validate reports it and agent edits are refused until it is"
              + " shortened or its limit raised");
    }
    return block;
  }

  /** A memdir label for a Letta label: unsafe characters become '_', empty parts are dropped. */
  static String label(String raw) {
    if (BlockPath.isValid(raw)) {
      return raw;
    }
    List<String> parts = new ArrayList<>();
    for (String p : raw.split("/")) {
      String s = p.replaceAll("[^A-Za-z0-9_.-]", "_").replaceAll("^[_.-]+", "");
      if (!s.isEmpty()) {
        parts.add(s.length() > 64 ? s.substring(0, 64) : s);
      }
    }
    while (parts.size() > BlockPath.MAX_DEPTH) {
      parts.set(
          parts.size() - 2, parts.get(parts.size() - 2) + "_" + parts.remove(parts.size() - 1));
    }
    String out = String.join("/", parts);
    return BlockPath.isValid(out) ? out : "block";
  }

  private List<AgentPlan.Entry> messages(Node a) {
    List<AgentPlan.Entry> out = new ArrayList<>();
    List<Node> ms = a.get("messages").list();
    List<Node> inContext = a.get("in_context_message_ids").list();
    String firstInContext = inContext.isEmpty() ? "" : inContext.get(0).text();
    Instant last = Instant.EPOCH;
    for (int i = 0; i < ms.size(); i++) {
      Node m = ms.get(i);
      m.object();
      String role = m.get("role").text();
      if (i == 0
          && role.equals("system")
          && m.get("id").optText().orElse("").equals(firstInContext)) {
        note(
            m.path,
            "the compiled system prompt (system prompt and memory blocks as Letta last"
                + " rendered them): not imported; system.md and memory/ hold them");
        continue;
      }
      AgentPlan.Entry e = message(m, role, last);
      last = e.ts();
      out.add(e);
    }
    if (!inContext.isEmpty()) {
      note(
          a.get("in_context_message_ids").path,
          inContext.size()
              + " ids: not mapped (memdir"
              + " chooses the messages in the context window itself)");
    }
    return out;
  }

  private AgentPlan.Entry message(Node m, String lettaRole, Instant previous) {
    String name = m.get("name").optText().orElse("");
    String role =
        switch (lettaRole) {
          case "function" -> "tool";
          case "system" ->
              name.equals(SUMMARY_NAME) ? "summary" : name.equals(EVENT_NAME) ? "event" : "system";
          default -> lettaRole;
        };
    if (!Set.of("user", "assistant", "system", "tool", "summary", "event").contains(role)) {
      if (!role.matches("[a-z][a-z0-9_]{0,31}")) {
        throw m.get("role").error("unknown role \"" + lettaRole + "\"");
      }
      note(m.get("role").path, "role '" + role + "' has no memdir meaning; kept as is");
    }
    ObjectNode rec = JsonNodeFactory.instance.objectNode();
    rec.put("role", role);
    ObjectNode extras = JsonNodeFactory.instance.objectNode();
    Node content = m.get("content");
    rec.put("content", content(content, extras));
    Node calls = m.get("tool_calls");
    if (calls.meaningful()) {
      for (Node c : calls.list()) {
        c.object();
        c.get("function").get("name").text();
      }
      rec.set("tool_calls", calls.json.deepCopy());
    }
    boolean tool = role.equals("tool");
    m.get("tool_call_id").optText().ifPresent(id -> (tool ? rec : extras).put("tool_call_id", id));
    if (!name.isEmpty() && !role.equals("summary") && !role.equals("event")) {
      (tool ? rec : extras).put("name", name);
    }
    Node returns = m.get("tool_returns");
    if (returns.meaningful()) {
      List<Node> rs = returns.list();
      boolean error =
          rs.stream().anyMatch(r -> r.get("status").optText().orElse("").equals("error"));
      if (tool && error) {
        rec.put("is_error", true);
      }
      if (!(tool && rs.size() == 1 && canonicalReturn(rs.get(0), rec))) {
        extras.set("tool_returns", returns.json.deepCopy());
      }
    }
    Instant ts = previous;
    Node created = m.get("created_at");
    if (created.present()) {
      String text = created.text();
      try {
        ts = OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        try {
          ts = Instant.parse(text);
        } catch (DateTimeParseException e2) {
          throw created.error(
              "must be an ISO-8601 time like 2025-08-10T17:24:30+00:00, got \"" + text + "\"");
        }
      }
      if (ts.isBefore(previous)) {
        // memdir keeps history in time order (a segment out of order is sorted when the agent
        // opens): the file's order wins, and the original time goes back out on export.
        note(
            created.path,
            "earlier than the message before it; stored at that message's time to keep the"
                + " file's order (created_at kept for export)");
        extras.put("created_at", text);
        ts = previous;
      } else if (!ts.equals(ts.truncatedTo(java.time.temporal.ChronoUnit.MILLIS))) {
        extras.put("created_at", text);
      }
    } else {
      note(m.path, "no created_at; given the time of the message before it");
    }
    for (String key : fieldNames(m.json)) {
      Node f = m.get(key);
      if (MESSAGE_MAPPED.contains(key) || !f.meaningful()) {
        continue;
      }
      if (!MESSAGE_KNOWN.contains(key)) {
        note(f.path, "unknown field; kept in the history record under '" + EXTRAS + "'");
      }
      extras.set(key, f.json.deepCopy());
    }
    if (!extras.isEmpty()) {
      rec.set(EXTRAS, extras);
    }
    return new AgentPlan.Entry(Message.fromJson(rec), ts);
  }

  /** Whether a tool return says only what the record already does (status, call id, text). */
  private static boolean canonicalReturn(Node r, ObjectNode rec) {
    for (String key : fieldNames(r.json)) {
      if (!Set.of("tool_call_id", "status", "func_response", "stdout", "stderr").contains(key)) {
        if (r.get(key).meaningful()) {
          return false;
        }
      }
    }
    return r.get("tool_call_id").json != null
        && r.get("tool_call_id").json.asText().equals(rec.path("tool_call_id").asText())
        && r.get("func_response").json != null
        && r.get("func_response").json.asText().equals(rec.path("content").asText())
        && !r.get("stdout").meaningful()
        && !r.get("stderr").meaningful();
  }

  /** The text of a message's content; parts other than one plain text part go to extras. */
  private static String content(Node content, ObjectNode extras) {
    if (!content.present()) {
      return "";
    }
    if (content.json.isTextual()) {
      return content.json.textValue();
    }
    List<Node> parts = content.list();
    StringBuilder sb = new StringBuilder();
    boolean plain = parts.size() <= 1;
    for (Node p : parts) {
      p.object();
      String type = p.get("type").optText().orElse("text");
      if (type.equals("text")) {
        if (sb.length() > 0) {
          sb.append('\n');
        }
        sb.append(p.get("text").text());
        for (String key : fieldNames(p.json)) {
          if (!key.equals("type") && !key.equals("text") && p.get(key).meaningful()) {
            plain = false;
          }
        }
      } else {
        plain = false;
      }
    }
    if (!plain) {
      extras.set("content", content.json.deepCopy());
    }
    return sb.toString();
  }

  private Map<String, String> files(Node a, Set<String> usedSources) {
    Map<String, String> out = new LinkedHashMap<>();
    List<Node> ids = new ArrayList<>(a.get("source_ids").list());
    ids.addAll(a.get("folder_ids").list());
    Set<String> names = new HashSet<>();
    Set<String> seen = new HashSet<>();
    for (Node id : ids) {
      Node src = sources.get(id.text());
      if (src == null) {
        throw id.error("no source with id \"" + id.text() + "\" in 'sources'");
      }
      usedSources.add(id.text());
      if (!seen.add(id.text())) {
        continue;
      }
      boolean root =
          src.get("metadata").present()
              && src.get("metadata").json.path(FILES_ROOT_KEY).asBoolean(false);
      String dir = "";
      if (!root) {
        dir = safeName(src.get("name"), src.get("name").text());
        if (dir.equals("skills")) {
          note(
              src.get("name").path,
              "source 'skills' stored as files/skills-source/ (files/skills/" + " holds skills)");
          dir = "skills-source";
        }
        if (!names.add(dir)) {
          continue;
        }
        dir = dir + "/";
        for (String key : List.of("description", "instructions")) {
          if (src.get(key).meaningful()) {
            note(src.get(key).path, "not mapped (" + brief(src.get(key).json) + ")");
          }
        }
      }
      for (Node f : files) {
        if (!f.get("source_id").optText().orElse("").equals(id.text())) {
          continue;
        }
        String fname = f.get("file_name").text();
        Optional<String> path = safePath(fname);
        if (path.isEmpty()) {
          note(f.get("file_name").path, "\"" + fname + "\" leaves its folder; not imported");
          continue;
        }
        Node content = f.get("content");
        if (!content.present()) {
          note(f.path, "file '" + fname + "' has no content in the agent file; not imported");
          continue;
        }
        out.put(dir + path.get(), content.text());
      }
    }
    for (Node fa : a.get("files_agents").list()) {
      if (fa.get("is_open").optBool().orElse(false)) {
        note(
            fa.path,
            "'"
                + fa.get("file_name").optText().orElse("?")
                + "' was open: not mapped"
                + " (its copy is under files/; open it again with memdir open)");
      }
    }
    return out;
  }

  private String uniqueDirName(String name, Set<String> used) {
    String base = name.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[.-]+", "");
    if (base.isEmpty()) {
      base = "agent";
    }
    String out = base;
    for (int i = 2; !used.add(out); i++) {
      out = base + "-" + i;
    }
    return out;
  }

  /** A folder name from a Letta name: one path part, unsafe characters replaced. */
  private String safeName(Node where, String raw) {
    String s = raw.replaceAll("[^A-Za-z0-9_. -]", "_").strip().replaceAll("^[.]+", "");
    if (s.isEmpty()) {
      throw where.error("empty name");
    }
    if (!s.equals(raw)) {
      note(where.path, "name '" + raw + "' stored as '" + s + "'");
    }
    return s;
  }

  /** A relative path that stays in its folder, or empty. */
  static Optional<String> safePath(String raw) {
    String s = raw.replace('\\', '/');
    if (s.startsWith("/") || s.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    for (String p : s.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..") || p.startsWith(".") || p.contains("\0")) {
        return Optional.empty();
      }
      parts.add(p);
    }
    return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("/", parts));
  }

  private void note(String where, String what) {
    items.add(new ImportReport.Item(where, what));
  }

  static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n != null && n.isObject()) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        out.add(it.next());
      }
    }
    return out;
  }

  /** A short description of a value for the report. */
  static String brief(JsonNode n) {
    if (n.isTextual()) {
      String t = n.textValue().replace('\n', ' ');
      return t.length() > 60 ? t.substring(0, 57) + "..." : t;
    }
    if (n.isArray()) {
      return n.size() + (n.size() == 1 ? " item" : " items");
    }
    if (n.isObject()) {
      return n.size() == 1 ? "1 key" : n.size() + " keys";
    }
    return n.toString();
  }

  private static String kind(JsonNode n) {
    return n.isArray() ? "a list" : n.isTextual() ? "text" : n.getNodeType().toString();
  }
}
