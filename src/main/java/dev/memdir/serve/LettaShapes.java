package dev.memdir.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.agent.ContextReport;
import dev.memdir.agent.Reply;
import dev.memdir.agent.Section;
import dev.memdir.archival.Fact;
import dev.memdir.format.AgentConfig;
import dev.memdir.history.Record;
import dev.memdir.memory.Block;
import dev.memdir.search.FactHit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** memdir's values in the shapes (field names) of Letta's API. */
final class LettaShapes {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private LettaShapes() {}

  static ObjectNode agent(Path dir, Agent agent) {
    AgentConfig c = agent.config();
    String id = Agents.idOf(dir);
    ObjectNode o = F.objectNode();
    o.put("id", id);
    o.put("name", c.name());
    o.put("description", c.description());
    o.put("system", agent.systemPrompt());
    o.put("agent_type", "memgpt_v2_agent");
    ArrayNode blocks = F.arrayNode();
    for (Block b : agent.memory().load().blocks()) {
      blocks.add(block(dir, b));
    }
    o.set("blocks", blocks);
    ObjectNode memory = o.putObject("memory");
    memory.set("blocks", blocks.deepCopy());
    memory.putArray("file_blocks");
    memory.put("prompt_template", "");
    o.put("model", c.model());
    ObjectNode llm = o.putObject("llm_config");
    llm.put("model", c.modelName());
    llm.put("model_endpoint_type", c.provider());
    llm.put("model_endpoint", c.baseUrl().orElse(null));
    llm.put("context_window", c.contextWindow());
    o.putNull("embedding");
    o.putNull("embedding_config");
    o.putArray("tags");
    ArrayNode tools = o.putArray("tools");
    for (String t : c.tools()) {
      tools.addObject().put("id", "tool-" + t).put("name", t).put("tool_type", "letta_core");
    }
    o.putArray("sources");
    o.putArray("tool_rules");
    o.putNull("message_ids");
    o.putObject("metadata").put("memdir_directory", dir.getFileName().toString());
    o.put("timezone", "UTC");
    return o;
  }

  static ObjectNode block(Path dir, Block b) {
    ObjectNode o = F.objectNode();
    o.put("id", blockId(dir, b.label()));
    o.put("label", b.label());
    o.put("value", b.value());
    o.put("limit", b.limit());
    o.put("description", b.description());
    o.put("read_only", b.readOnly());
    o.set("metadata", b.metadata());
    o.put("is_template", false);
    o.put("hidden", false);
    o.putArray("tags");
    // memdir's own: what a hand-edit-safe client passes back.
    o.put("memdir_value_hash", b.valueHash());
    return o;
  }

  static String blockId(Path dir, String label) {
    String key = "memdir:" + dir.getFileName() + "/" + label;
    return "block-" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
  }

  static ObjectNode passage(Fact f) {
    ObjectNode o = F.objectNode();
    o.put("id", f.id());
    o.put("text", f.text());
    o.put("created_at", f.created().toString());
    ArrayNode tags = o.putArray("tags");
    f.tags().forEach(tags::add);
    o.putNull("embedding");
    o.putNull("embedding_config");
    o.putNull("archive_id");
    o.put("is_deleted", false);
    o.putObject("metadata").put("memdir_file", "archival/" + f.fileName());
    return o;
  }

  static ObjectNode searchResult(FactHit h) {
    ObjectNode o = F.objectNode();
    o.put("id", h.id());
    o.put("content", h.text());
    o.put("timestamp", h.created().toString());
    ArrayNode tags = o.putArray("tags");
    h.tags().forEach(tags::add);
    return o;
  }

  /** The Letta messages one history record stands for (an assistant record may make several). */
  static List<ObjectNode> messages(Record r) {
    String date = r.ts().toString();
    java.util.ArrayList<ObjectNode> out = new java.util.ArrayList<>();
    switch (r.role()) {
      case "user" -> out.add(base(r, date, "user_message").put("content", r.content()));
      case "assistant" -> {
        if (!r.content().isEmpty()) {
          out.add(base(r, date, "assistant_message").put("content", r.content()));
        }
        for (JsonNode call : r.toolCalls().orElse(F.arrayNode())) {
          ObjectNode m = base(r, date, "tool_call_message");
          ObjectNode tc = m.putObject("tool_call");
          tc.put("name", call.path("function").path("name").asText());
          tc.put("arguments", call.path("function").path("arguments").asText());
          tc.put("tool_call_id", call.path("id").asText());
          m.putArray("tool_calls").add(tc.deepCopy());
          out.add(m);
        }
      }
      case "tool" -> {
        boolean error = r.field("is_error").map(JsonNode::asBoolean).orElse(false);
        ObjectNode m = base(r, date, "tool_return_message");
        m.put("tool_call_id", r.toolCallId().orElse(""));
        m.put("tool_return", r.content());
        m.put("status", error ? "error" : "success");
        r.name().ifPresent(n -> m.put("name", n));
        out.add(m);
      }
      case "summary" -> out.add(base(r, date, "summary_message").put("summary", r.content()));
      case "system" -> out.add(base(r, date, "system_message").put("content", r.content()));
      default -> {
        ObjectNode m = base(r, date, "event_message");
        m.put("event_type", r.role());
        m.putObject("event_data").put("text", r.content());
        out.add(m);
      }
    }
    return out;
  }

  private static ObjectNode base(Record r, String date, String type) {
    ObjectNode o = F.objectNode();
    o.put("id", r.id());
    o.put("date", date);
    o.put("message_type", type);
    return o;
  }

  static ObjectNode stopReason(Reply.Ending ending) {
    String word = ending == Reply.Ending.MAX_STEPS ? "max_steps" : "end_turn";
    return F.objectNode().put("message_type", "stop_reason").put("stop_reason", word);
  }

  static ObjectNode usage(Reply r) {
    ObjectNode o = F.objectNode();
    o.put("message_type", "usage_statistics");
    o.put("prompt_tokens", r.usage().inputTokens());
    o.put("completion_tokens", r.usage().outputTokens());
    o.put("total_tokens", r.usage().total());
    o.put("step_count", r.steps().size());
    return o;
  }

  /** Letta's ContextWindowOverview, plus memdir's own sections in {@code memdir_sections}. */
  static ObjectNode context(Agent agent, ContextReport r) {
    ObjectNode o = F.objectNode();
    o.put("context_window_size_max", r.contextWindow());
    o.put("context_window_size_current", r.totalTokens());
    o.put("num_messages", r.messages());
    o.put("num_archival_memory", agent.archival().count());
    o.put("num_recall_memory", r.historyRecords());
    o.put("num_tokens_external_memory_summary", tokens(r, "metadata"));
    o.put("external_memory_summary", text(r, "metadata"));
    o.put("num_tokens_system", tokens(r, "system prompt"));
    o.put("system_prompt", text(r, "system prompt"));
    o.put("num_tokens_core_memory", tokens(r, "core memory"));
    o.put("core_memory", text(r, "core memory"));
    o.put("num_tokens_summary_memory", tokens(r, "summary"));
    o.put("summary_memory", text(r, "summary"));
    o.put("num_tokens_functions_definitions", tokens(r, "tools"));
    o.putArray("functions_definitions");
    o.put("num_tokens_messages", tokens(r, "messages"));
    o.putArray("messages");
    ArrayNode sections = o.putArray("memdir_sections");
    for (Section s : r.sections()) {
      sections.addObject().put("name", s.name()).put("tokens", s.tokens());
    }
    return o;
  }

  private static int tokens(ContextReport r, String name) {
    return r.sections().stream().filter(s -> s.name().equals(name)).mapToInt(Section::tokens).sum();
  }

  private static String text(ContextReport r, String name) {
    return r.sections().stream()
        .filter(s -> s.name().equals(name))
        .map(Section::text)
        .findFirst()
        .orElse("");
  }
}
