package dev.memdir.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.MemdirException;
import dev.memdir.Version;
import dev.memdir.agent.Reply;
import dev.memdir.agent.TurnListener;
import dev.memdir.archival.Fact;
import dev.memdir.format.AgentConfig;
import dev.memdir.format.AtomicFiles;
import dev.memdir.history.Record;
import dev.memdir.memory.Block;
import dev.memdir.memory.CoreMemory;
import dev.memdir.search.FactHit;
import dev.memdir.search.Results;
import dev.memdir.search.Search;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Letta-compatible REST subset under {@code /v1}; docs/openapi-letta-subset.yaml lists it.
 * Errors answer {@code {"detail": "..."}} as Letta's server does; a Letta route memdir does not
 * offer answers 501 naming it.
 */
final class LettaApi {
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final int DEFAULT_MESSAGES = 100;
  private static final int MAX_MESSAGES = 1000;

  private final Agents agents;
  private final Models models;

  LettaApi(Agents agents, Models models) {
    this.agents = agents;
    this.models = models;
  }

  void handle(Exchange x) {
    List<String> p = x.parts();
    String m = x.method;
    if (p.size() == 2 && p.get(1).equals("health")) {
      x.json(
          200, Exchange.JSON.createObjectNode().put("version", Version.get()).put("status", "ok"));
      return;
    }
    if (p.size() < 2 || !p.get(1).equals("agents")) {
      throw ApiException.unsupported(m + " " + x.path);
    }
    if (p.size() == 2) {
      switch (m) {
        case "GET" -> listAgents(x);
        case "POST" -> createAgent(x);
        default -> throw methodNotAllowed(x);
      }
      return;
    }
    if (p.size() == 3 && p.get(2).equals("import") && m.equals("POST")) {
      importAgentFile(x);
      return;
    }
    String id = p.get(2);
    List<String> rest = p.subList(3, p.size());
    if (rest.isEmpty()) {
      switch (m) {
        case "GET" -> x.json(200, agentJson(id));
        case "PATCH" -> modifyAgent(x, id);
        case "DELETE" -> deleteAgent(x, id);
        default -> throw methodNotAllowed(x);
      }
      return;
    }
    String what = rest.get(0);
    switch (what) {
      case "export" -> requireGet(x, () -> exportAgentFile(x, id));
      case "context" -> requireGet(x, () -> context(x, id));
      case "core-memory" -> blocks(x, id, rest);
      case "archival-memory" -> archival(x, id, rest);
      case "messages" -> messages(x, id, rest);
      default -> throw ApiException.unsupported(m + " " + x.path);
    }
  }

  // ---- agents

  private void listAgents(Exchange x) {
    Optional<String> name = x.param("name");
    Optional<String> query = x.param("query_text").map(s -> s.toLowerCase(Locale.ROOT));
    List<ObjectNode> all = new ArrayList<>();
    for (Path d : agents.dirs()) {
      ObjectNode a = LettaShapes.agent(d, agents.agent(d));
      String n = a.path("name").asText();
      if (name.isPresent() && !name.get().equals(n)) {
        continue;
      }
      if (query.isPresent() && !n.toLowerCase(Locale.ROOT).contains(query.get())) {
        continue;
      }
      all.add(a);
    }
    x.json(200, page(all, x.param("after"), x.param("before"), x.intParam("limit").orElse(50)));
  }

  private ObjectNode agentJson(String id) {
    Path dir = agents.dir(id);
    return LettaShapes.agent(dir, agents.agent(dir));
  }

  private void createAgent(Exchange x) {
    ObjectNode body = x.jsonBody();
    Path root =
        agents
            .rootDir()
            .orElseThrow(
                () ->
                    ApiException.unsupported(
                        "creating agents when serving one agent directory; start memdir serve"
                            + " --root DIR"));
    unsupported(
        body,
        "agent create",
        Set.of(
            "name",
            "system",
            "model",
            "memory_blocks",
            "description",
            "embedding",
            "include_base_tools",
            "include_base_tool_rules",
            "agent_type",
            "tags",
            "context_window_limit",
            "model_settings",
            "metadata",
            "timezone"));
    String name =
        text(body, "name").orElse("agent-" + UUID.randomUUID().toString().substring(0, 8));
    if (!SAFE_NAME.matcher(name).matches()) {
      throw ApiException.invalid(
          "name \""
              + name
              + "\" cannot be a directory name: use letters, digits, '.', '_' or '-', starting with"
              + " a letter or digit, at most 100");
    }
    Path dir = root.resolve(name);
    if (Files.exists(dir)) {
      throw new ApiException(409, "an agent named " + name + " already exists (" + dir + ")");
    }
    String model = text(body, "model").orElse(AgentConfig.DEFAULT_MODEL);
    List<BlockSpec> blocks = new ArrayList<>();
    for (JsonNode b : body.path("memory_blocks")) {
      blocks.add(BlockSpec.of(b));
    }
    try (Agent created =
        Agent.init(
            dir, new InitOptions(Optional.of(name), Optional.empty(), Optional.empty(), model))) {
      created.write(
          "serve: agent create",
          () -> {
            if (!blocks.isEmpty()) {
              for (String label : created.memory().labels()) {
                created.memory().delete(label);
              }
              for (BlockSpec b : blocks) {
                created.memory().create(b.label, b.description, b.limit, b.value);
              }
            }
            text(body, "system").ifPresent(s -> writeSystem(created, s));
            return null;
          });
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(e.getMessage());
    }
    x.json(201, agentJson(name));
  }

  // ---- Letta agent files (.af), through the same library as memdir export and memdir import

  /** The largest agent file an upload may carry (held in memory while it is imported). */
  static final long MAX_IMPORT_BYTES = 64L << 20;

  private void exportAgentFile(Exchange x, String id) {
    Path dir = agents.dir(id);
    for (String k : List.of("conversation_id", "scrub_messages", "use_legacy_format")) {
      Optional<String> v = x.param(k).filter(s -> !s.isBlank() && !s.equals("false"));
      if (v.isPresent()) {
        throw ApiException.unsupported("exporting an agent file with " + k + "=" + v.get());
      }
    }
    Agent agent = agents.agent(dir);
    byte[] af;
    // Under the agent's write lock, so a turn or an edit is not read half-way.
    try (Agent.Turn t = agent.turn()) {
      af = dev.memdir.letta.AgentFileExport.export(dir);
    }
    x.text(200, "application/json", new String(af, java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Letta's import: a multipart form whose {@code file} is an agent file. Each agent in it becomes
   * a new directory in the root, named after the agent (with -2, -3 ... when taken); the answer
   * lists their ids. Nothing is written when the file is bad (422 naming the field).
   */
  private void importAgentFile(Exchange x) {
    Path root =
        agents
            .rootDir()
            .orElseThrow(
                () ->
                    ApiException.unsupported(
                        "importing agents when serving one agent directory; start memdir serve"
                            + " --root DIR"));
    String type = x.header("Content-Type").orElse("");
    if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new ApiException(
          415, "an agent file is uploaded as multipart/form-data with a part named file");
    }
    String boundary = org.eclipse.jetty.http.MultiPart.extractBoundary(type);
    if (boundary == null || boundary.isEmpty()) {
      throw ApiException.invalid("Content-Type multipart/form-data has no boundary");
    }
    org.eclipse.jetty.http.MultiPartFormData.Parser parser =
        new org.eclipse.jetty.http.MultiPartFormData.Parser(boundary);
    parser.setMaxLength(MAX_IMPORT_BYTES);
    parser.setMaxMemoryFileSize(MAX_IMPORT_BYTES);
    parser.setMaxParts(50);
    String fileName;
    byte[] bytes;
    try (org.eclipse.jetty.http.MultiPartFormData.Parts parts = parser.parse(x.request).get()) {
      for (org.eclipse.jetty.http.MultiPart.Part part : parts) {
        if (part.getName() == null || part.getName().equals("file")) {
          continue;
        }
        String v = part.getContentAsString(java.nio.charset.StandardCharsets.UTF_8).strip();
        if (!v.isEmpty() && !v.equals("false") && !v.equals("null")) {
          throw ApiException.unsupported("importing an agent file with " + part.getName());
        }
      }
      org.eclipse.jetty.http.MultiPart.Part file = parts.getFirst("file");
      if (file == null) {
        throw ApiException.invalid("file: missing (a multipart part named file)");
      }
      fileName = Optional.ofNullable(file.getFileName()).filter(n -> !n.isBlank()).orElse("file");
      bytes = toBytes(org.eclipse.jetty.io.Content.Source.asByteBuffer(file.getContentSource()));
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (String.valueOf(c.getMessage()).contains("max length")
          || String.valueOf(c.getMessage()).contains("max file size")) {
        throw new ApiException(413, "the agent file is over " + MAX_IMPORT_BYTES + " bytes");
      }
      throw new ApiException(400, "cannot read the multipart body: " + c.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(400, "interrupted while reading the upload");
    } catch (IOException e) {
      throw new ApiException(400, "cannot read the upload: " + e.getMessage());
    }
    Path staging = root.resolve(".import").resolve(UUID.randomUUID().toString());
    List<String> ids = new ArrayList<>();
    try {
      dev.memdir.letta.ImportReport report;
      try {
        report =
            dev.memdir.letta.AgentFileImport.importBytes(bytes, fileName, staging.resolve("af"));
      } catch (dev.memdir.FormatException e) {
        throw ApiException.invalid(e.getMessage());
      }
      synchronized (this) {
        for (Path imported : report.agents()) {
          Path target = freeName(root, imported);
          Files.move(imported, target);
          ids.add(Agents.idOf(target));
        }
      }
    } catch (IOException e) {
      throw new MemdirException(
          "cannot move an imported agent into " + root + ": " + e.getMessage(), e);
    } finally {
      deleteTree(staging);
    }
    ObjectNode out = Exchange.JSON.createObjectNode();
    ids.forEach(out.putArray("agent_ids")::add);
    x.json(200, out);
  }

  private static byte[] toBytes(java.nio.ByteBuffer buf) {
    byte[] b = new byte[buf.remaining()];
    buf.get(b);
    return b;
  }

  /** A directory name in {@code root} for an imported agent: its name, made safe, made unique. */
  private static Path freeName(Path root, Path imported) {
    String name;
    try {
      name =
          AgentConfig.read(
                  Files.readString(imported.resolve("agent.yaml")),
                  imported.getFileName().toString())
              .config()
              .name();
    } catch (IOException | RuntimeException e) {
      name = imported.getFileName().toString();
    }
    String safe = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
    if (safe.isEmpty()) {
      safe = "agent";
    }
    safe = safe.length() > 90 ? safe.substring(0, 90) : safe;
    Path p = root.resolve(safe);
    for (int i = 2; Files.exists(p); i++) {
      p = root.resolve(safe + "-" + i);
    }
    return p;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
      Path parent = dir.getParent();
      try (Stream<Path> left = Files.list(parent)) {
        if (left.findAny().isEmpty()) {
          Files.deleteIfExists(parent);
        }
      }
    } catch (IOException e) {
      // Left for a person to remove; the import itself is complete.
    }
  }

  private record BlockSpec(String label, String description, int limit, String value) {
    static BlockSpec of(JsonNode b) {
      String label = b.path("label").asText("");
      if (label.isEmpty()) {
        throw ApiException.invalid("memory_blocks: every block needs a label");
      }
      try {
        Block.checkLabel(label);
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid("memory_blocks: " + e.getMessage());
      }
      int limit = b.hasNonNull("limit") ? b.path("limit").asInt() : Block.DEFAULT_LIMIT;
      return new BlockSpec(
          label, b.path("description").asText(""), limit, b.path("value").asText(""));
    }
  }

  private void modifyAgent(Exchange x, String id) {
    ObjectNode body = x.jsonBody();
    unsupported(body, "agent modify", Set.of("system", "name", "description"));
    Agent agent = agents.get(id);
    Map<String, String> keys = new java.util.LinkedHashMap<>();
    text(body, "name").ifPresent(n -> keys.put("name", n));
    text(body, "description").ifPresent(d -> keys.put("description", d));
    if (keys.containsKey("name") && keys.get("name").isBlank()) {
      throw ApiException.invalid("name: must not be blank");
    }
    if (!keys.isEmpty()) {
      agent.write("serve: agent modify", () -> writeAgentKeys(agent, keys));
    }
    text(body, "system")
        .ifPresent(s -> agent.write("serve: agent modify", () -> writeSystem(agent, s)));
    x.json(200, agentJson(id));
  }

  /**
   * Sets top-level keys of agent.yaml as a person's edit would: only the lines of the keys that
   * change are rewritten; other keys, comments, order and a document start or end line are kept
   * byte for byte. (It reuses the front-matter patcher, agent.yaml being the same YAML without the
   * {@code ---} lines around it.)
   */
  private static Void writeAgentKeys(Agent agent, Map<String, String> keys) {
    Path file = agent.layout().agentYaml();
    try (Agent.Turn t = agent.turn()) {
      String text = dev.memdir.format.TextFiles.read(file, "agent.yaml", 1 << 20);
      // A document start ("---") before the keys and a document end ("...") after them, with only
      // comments or blank lines outside them, are kept as they are; any other marker means more
      // than one YAML document, which is not patched.
      List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
      int start = 0;
      int end = lines.size();
      for (int i = 0; i < lines.size(); i++) {
        String l = lines.get(i).stripTrailing();
        boolean docStart = l.equals("---") || l.startsWith("--- ") || l.startsWith("---\t");
        boolean docEnd = l.equals("...") || l.startsWith("... ") || l.startsWith("...\t");
        if (docStart && start == 0 && onlyComments(lines.subList(0, i))) {
          start = i + 1;
        } else if (docEnd && onlyComments(lines.subList(i + 1, lines.size()))) {
          end = i;
          break;
        } else if (docStart || docEnd) {
          throw new ApiException(
              409,
              "agent.yaml line "
                  + (i + 1)
                  + " holds a YAML document marker ('"
                  + l
                  + "') between its keys; set "
                  + String.join(", ", keys.keySet())
                  + " by editing it by hand");
        }
      }
      String head = String.join("\n", lines.subList(0, start)) + (start > 0 ? "\n" : "");
      String tail = end < lines.size() ? String.join("\n", lines.subList(end, lines.size())) : "";
      text = String.join("\n", lines.subList(start, end));
      String yaml = text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
      ObjectNode before = dev.memdir.format.YamlMap.parse(yaml, "agent.yaml", start + 1).node();
      ObjectNode after = before.deepCopy();
      keys.forEach(after::put);
      String rendered =
          dev.memdir.format.FrontMatterDocument.render("---\n" + yaml + "---\n", before, after, "");
      String out = head + rendered.substring(4, rendered.length() - 4) + tail;
      AgentConfig.Read check =
          AgentConfig.read(out, agent.layout().root().getFileName().toString());
      for (String k : keys.keySet()) {
        if (check.firstBroken(k).isPresent()) {
          throw ApiException.invalid(k + ": " + check.firstBroken(k).get().problem().message());
        }
      }
      AtomicFiles.write(file, out);
    }
    return null;
  }

  private static boolean onlyComments(List<String> lines) {
    for (String l : lines) {
      String t = l.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        return false;
      }
    }
    return true;
  }

  private static Void writeSystem(Agent agent, String text) {
    try (Agent.Turn t = agent.turn()) {
      AtomicFiles.write(agent.layout().systemPrompt(), text.endsWith("\n") ? text : text + "\n");
    }
    return null;
  }

  /**
   * Deleting an agent moves its directory to {@code ROOT/.trash/NAME-MILLIS}: nothing is lost, and
   * the agent no longer lists.
   */
  private void deleteAgent(Exchange x, String id) {
    Path dir = agents.dir(id);
    Path root =
        agents
            .rootDir()
            .orElseThrow(
                () -> ApiException.unsupported("deleting the one agent served without --root"));
    Agent agent = agents.agent(dir);
    try (Agent.Turn t = agent.turn()) {
      Path trash = root.resolve(".trash");
      Files.createDirectories(trash);
      agents.forget(dir);
      Files.move(dir, trash.resolve(dir.getFileName() + "-" + System.currentTimeMillis()));
    } catch (IOException e) {
      throw new MemdirException("cannot move " + dir + " to .trash: " + e.getMessage(), e);
    }
    x.json(200, Exchange.JSON.nullNode());
  }

  private void context(Exchange x, String id) {
    Agent agent = agents.get(id);
    x.json(200, LettaShapes.context(agent, agent.context()));
  }

  // ---- core memory blocks

  private void blocks(Exchange x, String id, List<String> rest) {
    if (rest.size() < 2 || !rest.get(1).equals("blocks")) {
      throw ApiException.unsupported(x.method + " " + x.path);
    }
    Path dir = agents.dir(id);
    Agent agent = agents.agent(dir);
    if (rest.size() == 2) {
      requireGet(
          x,
          () -> {
            List<ObjectNode> all = new ArrayList<>();
            agent.memory().load().blocks().forEach(b -> all.add(LettaShapes.block(dir, b)));
            x.json(
                200,
                page(all, x.param("after"), x.param("before"), x.intParam("limit").orElse(100)));
          });
      return;
    }
    if (rest.size() == 4 && (rest.get(2).equals("attach") || rest.get(2).equals("detach"))) {
      throw ApiException.unsupported(
          rest.get(2) + "ing shared blocks: memdir blocks are files of one agent");
    }
    if (rest.size() != 3) {
      throw ApiException.unsupported(x.method + " " + x.path);
    }
    String label = rest.get(2);
    switch (x.method) {
      case "GET" -> x.json(200, LettaShapes.block(dir, block(agent, label)));
      case "PATCH" -> x.json(200, LettaShapes.block(dir, modifyBlock(x, agent, label)));
      default -> throw methodNotAllowed(x);
    }
  }

  private static Block block(Agent agent, String label) {
    try {
      Block.checkLabel(label);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("Block not found: " + e.getMessage());
    }
    return agent
        .memory()
        .find(label)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "Block not found: no block labelled "
                        + label
                        + " (labels: "
                        + String.join(", ", agent.memory().labels())
                        + ")"));
  }

  /**
   * Sets a block's value as a person's edit ({@code memdir memory rethink}). With {@code
   * memdir_value_hash} (or an {@code If-Match} header) it is refused with 409 when the value
   * changed since that hash, so a concurrent hand edit is never overwritten.
   */
  private static Block modifyBlock(Exchange x, Agent agent, String label) {
    ObjectNode body = x.jsonBody();
    Block current = block(agent, label);
    for (String k : List.of("label", "read_only")) {
      JsonNode v = body.get(k);
      if (v == null || v.isNull()) {
        continue;
      }
      boolean same =
          k.equals("label")
              ? v.asText().equals(current.label())
              : v.asBoolean() == current.readOnly();
      if (!same) {
        throw ApiException.unsupported(
            "changing a block's " + k + " (edit memory/" + label + ".md's front matter)");
      }
    }
    Optional<Integer> limit = Optional.empty();
    JsonNode lv = body.get("limit");
    if (lv != null && !lv.isNull()) {
      if (!lv.canConvertToInt() || !lv.isIntegralNumber() || lv.asInt() < 1) {
        throw ApiException.invalid("limit: must be a positive integer, got " + lv);
      }
      limit = Optional.of(lv.asInt()).filter(l -> l != current.limit());
    }
    JsonNode dv = body.get("description");
    if (dv != null && !dv.isNull() && !dv.isTextual()) {
      throw ApiException.invalid("description: must be a string, got " + dv);
    }
    Optional<String> description =
        text(body, "description").filter(d -> !d.equals(current.description()));
    Optional<String> value = text(body, "value");
    if (value.isEmpty() && limit.isEmpty() && description.isEmpty()) {
      return current;
    }
    Optional<String> basedOn =
        text(body, "memdir_value_hash").or(() -> x.header("If-Match").map(LettaApi::unquote));
    if (basedOn.isPresent() && !basedOn.get().equals(current.valueHash())) {
      throw new ApiException(
          409,
          "block "
              + label
              + " changed since it was read (hash "
              + basedOn.get()
              + ", now "
              + current.valueHash()
              + "); read it again and reapply the edit");
    }
    // Checked before the write for a clear 422 (the write checks again under the lock).
    if (value.isPresent() || limit.isPresent()) {
      CoreMemory.checkLimit(label, limit.orElse(current.limit()), value.orElse(current.value()));
    }
    Optional<Integer> newLimit = limit;
    try {
      // One write: the description, the limit and the value are saved together or not at all.
      return agent.write(
          "serve: memory modify " + label,
          () -> agent.memory().modify(label, description, newLimit, value, basedOn));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(e.getMessage());
    }
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }

  // ---- archival memory (passages)

  private void archival(Exchange x, String id, List<String> rest) {
    Agent agent = agents.get(id);
    if (rest.size() == 1) {
      switch (x.method) {
        case "GET" -> listPassages(x, agent);
        case "POST" -> insertPassage(x, agent);
        default -> throw methodNotAllowed(x);
      }
      return;
    }
    if (rest.size() == 2 && rest.get(1).equals("search")) {
      requireGet(x, () -> searchPassages(x, agent));
      return;
    }
    if (rest.size() == 2 && x.method.equals("DELETE")) {
      String factId = rest.get(1);
      if (agent.archival().find(factId).isEmpty()) {
        throw ApiException.notFound("Passage not found: no archival fact has the id " + factId);
      }
      agent.write("serve: archival delete", () -> agent.archival().delete(factId));
      x.json(200, Exchange.JSON.nullNode());
      return;
    }
    throw ApiException.unsupported(x.method + " " + x.path);
  }

  private static void listPassages(Exchange x, Agent agent) {
    List<Fact> facts = new ArrayList<>(agent.archival().list().facts());
    facts.sort((a, b) -> a.created().compareTo(b.created()));
    if (!x.param("ascending").map(Boolean::parseBoolean).orElse(true)) {
      Collections.reverse(facts);
    }
    Optional<String> search = x.param("search").map(s -> s.toLowerCase(Locale.ROOT));
    List<ObjectNode> all = new ArrayList<>();
    for (Fact f : facts) {
      if (search.isEmpty() || f.text().toLowerCase(Locale.ROOT).contains(search.get())) {
        all.add(LettaShapes.passage(f));
      }
    }
    x.json(200, page(all, x.param("after"), x.param("before"), x.intParam("limit").orElse(100)));
  }

  private static void insertPassage(Exchange x, Agent agent) {
    ObjectNode body = x.jsonBody();
    unsupported(body, "passage insert", Set.of("text", "tags"));
    String text =
        text(body, "text").orElseThrow(() -> ApiException.invalid("field 'text' is required"));
    List<String> tags = new ArrayList<>();
    body.path("tags").forEach(t -> tags.add(t.asText()));
    Fact f;
    try {
      f = agent.write("serve: archival insert", () -> agent.archival().insert(text, tags));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(e.getMessage());
    }
    x.json(200, Exchange.JSON.createArrayNode().add(LettaShapes.passage(f)));
  }

  private static void searchPassages(Exchange x, Agent agent) {
    String query = x.param("query").orElse("");
    Search.TagMatch match =
        x.param("tag_match_mode").orElse("any").equals("all")
            ? Search.TagMatch.ALL
            : Search.TagMatch.ANY;
    Optional<Instant> start =
        x.param("start_datetime").map(v -> Search.parseTime("start_datetime", v, false));
    Optional<Instant> end =
        x.param("end_datetime").map(v -> Search.parseTime("end_datetime", v, true));
    int topK = x.intParam("top_k").orElse(Search.DEFAULT_LIMIT);
    Results<FactHit> r;
    try {
      r =
          agent
              .search()
              .archivalMemorySearch(query, x.params("tags"), match, start, end, Math.max(1, topK));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(e.getMessage());
    }
    ObjectNode out = Exchange.JSON.createObjectNode();
    ArrayNode results = out.putArray("results");
    r.hits().forEach(h -> results.add(LettaShapes.searchResult(h)));
    out.put("count", r.hits().size());
    x.json(200, out);
  }

  // ---- messages

  private void messages(Exchange x, String id, List<String> rest) {
    Path dir = agents.dir(id);
    Agent agent = agents.agent(dir);
    if (rest.size() == 1) {
      switch (x.method) {
        case "GET" -> listMessages(x, agent);
        case "POST" -> createMessage(x, agent, false);
        default -> throw methodNotAllowed(x);
      }
      return;
    }
    if (rest.size() == 2 && rest.get(1).equals("stream") && x.method.equals("POST")) {
      createMessage(x, agent, true);
      return;
    }
    throw ApiException.unsupported(x.method + " " + x.path);
  }

  private static void listMessages(Exchange x, Agent agent) {
    boolean asc = x.param("order").map(o -> o.equals("asc")).orElse(false);
    int limit = Math.min(MAX_MESSAGES, x.intParam("limit").orElse(DEFAULT_MESSAGES));
    List<Record> records;
    try (Stream<Record> s = agent.history().stream()) {
      records = new ArrayList<>(s.toList());
    }
    if (!asc) {
      Collections.reverse(records);
    }
    List<ObjectNode> all = new ArrayList<>();
    Optional<String> after = x.param("after");
    Optional<String> before = x.param("before");
    boolean started = after.isEmpty();
    int taken = 0;
    ArrayNode out = Exchange.JSON.createArrayNode();
    for (Record r : records) {
      if (!started) {
        started = r.id().equals(after.get());
        continue;
      }
      if (before.isPresent() && r.id().equals(before.get())) {
        break;
      }
      if (taken++ >= limit) {
        break;
      }
      List<ObjectNode> ms = LettaShapes.messages(r);
      if (!asc) {
        ms = new ArrayList<>(ms);
        Collections.reverse(ms);
      }
      ms.forEach(out::add);
    }
    all.clear();
    x.json(200, out);
  }

  /**
   * Sends one turn. Letta's {@code messages} list is joined into one user message (memdir's turn
   * takes one); other roles answer 501.
   */
  private void createMessage(Exchange x, Agent agent, boolean alwaysStream) {
    ObjectNode body = x.jsonBody();
    String text = userText(body);
    boolean streaming = alwaysStream || body.path("streaming").asBoolean(false);
    boolean tokens = body.path("stream_tokens").asBoolean(false);
    List<Record> last = agent.history().tail(1);
    Optional<String> lastId = last.isEmpty() ? Optional.empty() : Optional.of(last.get(0).id());
    if (!streaming) {
      Reply reply = agent.send(text, models.open(agent.config()), TurnListener.NONE);
      ObjectNode out = Exchange.JSON.createObjectNode();
      ArrayNode ms = out.putArray("messages");
      turnMessages(agent, lastId).forEach(ms::add);
      out.set("stop_reason", LettaShapes.stopReason(reply.ending()));
      out.set("usage", LettaShapes.usage(reply));
      x.json(200, out);
      return;
    }
    try (Exchange.EventStream events = x.events()) {
      StreamingListener listener = new StreamingListener(events, tokens);
      Reply reply;
      try {
        reply = agent.send(text, models.open(agent.config()), listener);
      } catch (MemdirException e) {
        ObjectNode err = Exchange.JSON.createObjectNode();
        err.put("message_type", "error_message");
        err.put("error_type", e.getClass().getSimpleName());
        err.put("message", e.getMessage());
        err.put("run_id", listener.runId);
        events.data(err);
        events.raw("data: [DONE]\n\n");
        return;
      }
      listener.flushText();
      events.data(LettaShapes.stopReason(reply.ending()));
      events.data(LettaShapes.usage(reply));
      events.raw("data: [DONE]\n\n");
    }
  }

  private static List<ObjectNode> turnMessages(Agent agent, Optional<String> lastId) {
    List<ObjectNode> out = new ArrayList<>();
    try (Stream<Record> s =
        lastId.isPresent() ? agent.history().streamAfter(lastId.get()) : agent.history().stream()) {
      for (Iterator<Record> it = s.iterator(); it.hasNext(); ) {
        Record r = it.next();
        if (!r.role().equals("user")) {
          out.addAll(LettaShapes.messages(r));
        }
      }
    }
    return out;
  }

  /** Streams a turn as Letta does: tool calls and returns as they happen, text as it comes. */
  private static final class StreamingListener implements TurnListener {
    final String runId = "run-" + UUID.randomUUID();
    private final Exchange.EventStream events;
    private final boolean tokens;
    private final StringBuilder text = new StringBuilder();
    private String textId = newId();
    private String callId = "";

    StreamingListener(Exchange.EventStream events, boolean tokens) {
      this.events = events;
      this.tokens = tokens;
    }

    private static String newId() {
      return "message-" + UUID.randomUUID();
    }

    private ObjectNode message(String id, String type) {
      ObjectNode o = Exchange.JSON.createObjectNode();
      o.put("id", id);
      o.put("date", Instant.now().toString());
      o.put("message_type", type);
      o.put("run_id", runId);
      return o;
    }

    @Override
    public void onText(String delta) {
      if (tokens) {
        events.data(message(textId, "assistant_message").put("content", delta));
      } else {
        text.append(delta);
      }
    }

    void flushText() {
      if (!tokens && !text.isEmpty()) {
        events.data(message(textId, "assistant_message").put("content", text.toString()));
        text.setLength(0);
      }
      textId = newId();
    }

    @Override
    public void onToolCall(String name, String arguments) {
      flushText();
      callId = "call-" + UUID.randomUUID();
      ObjectNode m = message(newId(), "tool_call_message");
      ObjectNode tc = m.putObject("tool_call");
      tc.put("name", name).put("arguments", arguments).put("tool_call_id", callId);
      m.putArray("tool_calls").add(tc.deepCopy());
      events.data(m);
    }

    @Override
    public void onToolResult(String name, String result, boolean error) {
      ObjectNode m = message(newId(), "tool_return_message");
      m.put("tool_call_id", callId);
      m.put("tool_return", result);
      m.put("status", error ? "error" : "success");
      m.put("name", name);
      events.data(m);
    }
  }

  private static String userText(ObjectNode body) {
    List<String> parts = new ArrayList<>();
    JsonNode input = body.path("input");
    if (input.isTextual()) {
      parts.add(input.asText());
    }
    for (JsonNode m : body.path("messages")) {
      String role = m.path("role").asText("user");
      if (!role.equals("user")) {
        throw ApiException.unsupported(
            "messages with role " + role + " (memdir's turn takes the user's message)");
      }
      JsonNode c = m.path("content");
      if (c.isTextual()) {
        parts.add(c.asText());
      } else {
        for (JsonNode piece : c) {
          if (!piece.path("type").asText("text").equals("text")) {
            throw ApiException.unsupported("message content of type " + piece.path("type"));
          }
          parts.add(piece.path("text").asText());
        }
      }
    }
    if (parts.isEmpty()) {
      throw ApiException.invalid("no user message: give 'messages' or 'input'");
    }
    return String.join("\n\n", parts);
  }

  // ---- helpers

  private static ArrayNode page(
      List<ObjectNode> all, Optional<String> after, Optional<String> before, int limit) {
    ArrayNode out = Exchange.JSON.createArrayNode();
    boolean started = after.isEmpty();
    for (ObjectNode o : all) {
      String id = o.path("id").asText();
      if (!started) {
        started = id.equals(after.get());
        continue;
      }
      if ((before.isPresent() && id.equals(before.get())) || out.size() >= limit) {
        break;
      }
      out.add(o);
    }
    return out;
  }

  private static Optional<String> text(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }

  /** 501 naming the fields set in {@code body} that memdir does not act on. */
  private static void unsupported(ObjectNode body, String what, Set<String> known) {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : body.properties()) {
      if (!known.contains(e.getKey()) && !e.getValue().isNull()) {
        unknown.add(e.getKey());
      }
    }
    if (!unknown.isEmpty()) {
      throw ApiException.unsupported(what + " with " + String.join(", ", unknown));
    }
  }

  private static void requireGet(Exchange x, Runnable r) {
    if (!x.method.equals("GET")) {
      throw methodNotAllowed(x);
    }
    r.run();
  }

  private static ApiException methodNotAllowed(Exchange x) {
    return new ApiException(405, "Method Not Allowed: " + x.method + " " + x.path);
  }

  /** Opens the model a turn of an agent uses. */
  interface Models {
    dev.memdir.llm.ChatModel open(AgentConfig config);
  }
}
