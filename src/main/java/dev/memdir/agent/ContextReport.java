package dev.memdir.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * The context window as the next step would send it, section by section with tokens, like Letta's
 * context overview.
 *
 * @param agent the agent's name
 * @param contextWindow the window's size in tokens ({@code context_window})
 * @param thresholdTokens above this many tokens the oldest messages are summarised
 * @param sections every section with its text and tokens, in order
 * @param messages the messages in the window after the summary
 * @param historyRecords the records in the history
 * @param tools the tools offered
 * @param unavailableTools tools agent.yaml lists that this memdir does not offer
 */
public record ContextReport(
    String agent,
    int contextWindow,
    long thresholdTokens,
    List<Section> sections,
    int messages,
    long historyRecords,
    List<String> tools,
    List<String> unavailableTools) {

  /** Validates and copies. */
  public ContextReport {
    Objects.requireNonNull(agent, "agent");
    sections = List.copyOf(sections);
    tools = List.copyOf(tools);
    unavailableTools = List.copyOf(unavailableTools);
  }

  /** The tokens of the whole window. */
  public long totalTokens() {
    return sections.stream().mapToLong(Section::tokens).sum()
        + ContextBuilder.REPLY_PRIMING
        + Tokens.PER_MESSAGE;
  }

  /** The tokenizer the counts come from. */
  public String encoding() {
    return Tokens.ENCODING;
  }

  /** The report as JSON. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("agent", agent);
    o.put("encoding", encoding());
    o.put("context_window", contextWindow);
    o.put("threshold_tokens", thresholdTokens);
    o.put("total_tokens", totalTokens());
    o.put("messages", messages);
    o.put("history_records", historyRecords);
    tools.forEach(o.putArray("tools")::add);
    if (!unavailableTools.isEmpty()) {
      unavailableTools.forEach(o.putArray("unavailable_tools")::add);
    }
    ArrayNode arr = o.putArray("sections");
    for (Section s : sections) {
      arr.addObject().put("name", s.name()).put("tokens", s.tokens()).put("text", s.text());
    }
    return o;
  }
}
