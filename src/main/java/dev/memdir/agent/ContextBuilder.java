package dev.memdir.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.memdir.format.Problem;
import dev.memdir.format.ToolRules;
import dev.memdir.llm.Message;
import dev.memdir.llm.SystemMessage;
import dev.memdir.llm.ToolSpec;
import dev.memdir.memory.Block;
import dev.memdir.memory.CoreMemory;
import dev.memdir.search.FileWindow;
import dev.memdir.search.Results;
import dev.memdir.tools.ToolDefinition;
import dev.memdir.tools.Toolbox;
import java.text.NumberFormat;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Assembles the context window of one step: one system message holding the system prompt, the core
 * memory blocks (rendered as Letta renders them), a metadata section, open file windows and the
 * tool rules; then the latest summary and the messages after it. Counts the tokens of each section,
 * reusing counts of text that has not changed.
 */
final class ContextBuilder {
  /** Section names, in the order they appear. */
  static final String SYSTEM = "system prompt";

  static final String MEMORY = "core memory";
  static final String METADATA = "metadata";
  static final String FILES = "file windows";
  static final String RULES = "tool rules";
  static final String TOOLS = "tools";
  static final String SUMMARY = "summary";
  static final String MESSAGES = "messages";

  /** Tokens the reply's priming costs, as OpenAI counts it. */
  static final int REPLY_PRIMING = 3;

  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final AgentParts parts;
  private final Tokens tokens;
  private final Map<List<String>, ToolSet> toolSets = new HashMap<>();

  /**
   * What a step assembled.
   *
   * @param sections every section with its tokens, in order
   * @param messages the request's messages: the system message, then the window
   * @param tools the tools offered, as the model client takes them
   * @param blocks the core-memory blocks the model sees
   * @param total the tokens of the whole request
   */
  record Context(
      List<Section> sections,
      List<Message> messages,
      List<ToolSpec> tools,
      List<Block> blocks,
      long total) {}

  private record ToolSet(List<ToolSpec> specs, String json, int tokens) {}

  ContextBuilder(AgentParts parts, Tokens tokens) {
    this.parts = parts;
    this.tokens = tokens;
  }

  /**
   * The context for one step.
   *
   * @param offered the tools offered in this step
   * @param detailed whether the messages section carries the transcript text (for reports)
   */
  Context build(Window window, List<ToolDefinition> offered, Toolbox toolbox, boolean detailed) {
    List<Section> sections = new ArrayList<>();
    String prompt = parts.systemPrompt().get().strip();
    sections.add(new Section(SYSTEM, prompt, tokens.count(prompt)));
    CoreMemory.Snapshot snapshot = parts.memory().load();
    Results<FileWindow> windows = parts.search().openWindows();
    sections.add(memory(snapshot));
    sections.add(text(METADATA, metadata(window, snapshot, windows.hits(), toolbox)));
    sections.add(fileWindows(windows));
    sections.add(text(RULES, rules(parts.config().toolRules(), toolbox)));
    ToolSet tools = toolSet(offered);
    sections.add(new Section(TOOLS, tools.json(), tools.tokens()));
    sections.add(
        window
            .summary()
            .map(e -> new Section(SUMMARY, e.record().content(), e.tokens()))
            .orElse(new Section(SUMMARY, "", 0)));
    sections.add(
        new Section(
            MESSAGES,
            detailed ? transcript(window) : "",
            (int) Math.min(Integer.MAX_VALUE, window.messageTokens())));
    StringBuilder system = new StringBuilder();
    for (Section s : sections.subList(0, 5)) {
      if (!s.text().isEmpty()) {
        system.append(system.length() == 0 ? "" : "\n\n").append(s.text());
      }
    }
    List<Message> messages = new ArrayList<>();
    messages.add(new SystemMessage(system.toString()));
    messages.addAll(window.messages());
    long total = REPLY_PRIMING + Tokens.PER_MESSAGE;
    for (Section s : sections) {
      total += s.tokens();
    }
    return new Context(sections, messages, tools.specs(), snapshot.blocks(), total);
  }

  private Section text(String name, String text) {
    return new Section(name, text, tokens.count(text));
  }

  /** The blocks as Letta renders them, counted block by block so an edit recounts one block. */
  private Section memory(CoreMemory.Snapshot snapshot) {
    String head =
        "<memory_blocks>\nThe following memory blocks are currently engaged in your core memory"
            + " unit:\n\n";
    StringBuilder sb = new StringBuilder(head);
    int n = tokens.count(head);
    for (Block b : snapshot.blocks()) {
      if (b.inContext()) {
        String block = block(b);
        sb.append(block).append("\n\n");
        n += tokens.count(block) + 1;
      }
    }
    String listed = listed(snapshot.blocks());
    if (!listed.isEmpty()) {
      sb.append(listed).append("\n\n");
      n += tokens.count(listed) + 1;
    }
    List<Problem> broken = snapshot.problems().stream().filter(Problem::isError).toList();
    if (!broken.isEmpty()) {
      StringBuilder p = new StringBuilder("Blocks with problems a person must fix:\n");
      broken.forEach(x -> p.append("- ").append(x).append('\n'));
      sb.append(p).append('\n');
      n += tokens.count(p.toString());
    }
    String tail = "</memory_blocks>";
    sb.append(tail);
    n += tokens.count(tail);
    return new Section(MEMORY, sb.toString(), n);
  }

  /**
   * The blocks outside {@code system/} in nested folders (Letta Code's detached memory), one line
   * each: label, description and size; the memory tools still edit them by label.
   */
  static String listed(List<Block> blocks) {
    StringBuilder sb = new StringBuilder();
    for (Block b : blocks) {
      if (!b.inContext()) {
        sb.append("- ").append(b.label());
        if (!b.description().isEmpty()) {
          sb.append(": ").append(b.description().strip().replace('\n', ' '));
        }
        sb.append(" (").append(b.chars()).append(" / ").append(b.limit()).append(" chars)\n");
      }
    }
    if (sb.length() == 0) {
      return "";
    }
    return "<other_memory_blocks>\nThese blocks are not shown here; the memory tools edit them by"
        + " label:\n"
        + sb
        + "</other_memory_blocks>";
  }

  static String block(Block b) {
    return MemoryPrompt.block(b);
  }

  /** The open file windows, counted window by window. */
  private Section fileWindows(Results<FileWindow> windows) {
    if (windows.hits().isEmpty() && windows.notes().isEmpty()) {
      return new Section(FILES, "", 0);
    }
    String head = "<file_windows>\nFiles you opened with open_files; close_files closes them.\n";
    StringBuilder sb = new StringBuilder(head);
    int n = tokens.count(head);
    for (FileWindow w : windows.hits()) {
      String text = w.render();
      sb.append(text).append("\n\n");
      n += tokens.count(text) + 1;
    }
    for (String note : windows.notes()) {
      String line = "note: " + note + "\n";
      sb.append(line);
      n += tokens.count(line);
    }
    sb.append("</file_windows>");
    return new Section(FILES, sb.toString(), n + 4);
  }

  private String metadata(
      Window window, CoreMemory.Snapshot snapshot, List<FileWindow> open, Toolbox toolbox) {
    NumberFormat num = NumberFormat.getIntegerInstance(Locale.ROOT);
    num.setGroupingUsed(true);
    StringBuilder sb = new StringBuilder("<memory_metadata>\n");
    sb.append("- The current time is ")
        .append(MINUTE.format(parts.clock().instant()))
        .append(".\n");
    long history = window.historyCount();
    int shown = window.messagesShown();
    sb.append("- ")
        .append(num.format(history))
        .append(history == 1 ? " record is" : " records are")
        .append(" stored in your history (recall memory); ")
        .append(num.format(shown))
        .append(" of them ")
        .append(shown == 1 ? "is" : "are")
        .append(" in this context window");
    if (window.summary().isPresent()) {
      sb.append(" after a summary of earlier ones");
    }
    sb.append(
        toolbox.offers("conversation_search")
            ? ". conversation_search finds the others.\n"
            : ".\n");
    int facts = parts.archival().count();
    sb.append("- ")
        .append(num.format(facts))
        .append(facts == 1 ? " fact is" : " facts are")
        .append(" stored in archival memory")
        .append(
            toolbox.offers("archival_memory_search")
                ? "; archival_memory_search finds them.\n"
                : ".\n");
    int files = parts.fileCount().getAsInt();
    sb.append("- ")
        .append(num.format(files))
        .append(files == 1 ? " file is" : " files are")
        .append(" under files/; ")
        .append(
            open.isEmpty()
                ? "none is open"
                : "open: " + String.join(", ", open.stream().map(FileWindow::file).toList()))
        .append(".\n");
    for (Block b : snapshot.blocks()) {
      if (b.chars() >= 0.9 * b.limit()) {
        sb.append("- Block '")
            .append(b.label())
            .append("' is ")
            .append(Math.round(100.0 * b.chars() / b.limit()))
            .append("% full (")
            .append(b.chars())
            .append(" / ")
            .append(b.limit())
            .append(" chars): condense it before adding more.\n");
      }
    }
    sb.append("</memory_metadata>");
    return sb.toString();
  }

  private static String rules(ToolRules rules, Toolbox toolbox) {
    List<String> lines = new ArrayList<>();
    List<String> first = rules.runFirst().stream().filter(toolbox::offers).toList();
    if (!first.isEmpty()) {
      lines.add("Your first step in each turn must call " + oneOf(first) + ".");
    }
    List<String> exit = new ArrayList<>(rules.exitLoop().stream().filter(toolbox::offers).toList());
    if (toolbox.offers(Toolbox.SEND_MESSAGE) && !exit.contains(Toolbox.SEND_MESSAGE)) {
      exit.add(0, Toolbox.SEND_MESSAGE);
    }
    for (String t : exit) {
      lines.add("Calling " + t + " ends your turn.");
    }
    List<String> required = rules.requiredBeforeExit().stream().filter(toolbox::offers).toList();
    if (!required.isEmpty()) {
      lines.add("Before your turn ends you must call " + String.join(" and ", required) + ".");
    }
    if (lines.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("<tool_usage_rules>\n");
    lines.forEach(l -> sb.append("- ").append(l).append('\n'));
    return sb.append("</tool_usage_rules>").toString();
  }

  private static String oneOf(List<String> names) {
    return names.size() == 1 ? names.get(0) : "one of " + String.join(", ", names);
  }

  private ToolSet toolSet(List<ToolDefinition> offered) {
    List<String> names = offered.stream().map(ToolDefinition::name).toList();
    return toolSets.computeIfAbsent(
        names,
        k -> {
          List<ToolSpec> specs = new ArrayList<>();
          ArrayNode json = JsonNodeFactory.instance.arrayNode();
          int n = 0;
          for (ToolDefinition d : offered) {
            specs.add(new ToolSpec(d.name(), d.description(), d.parameters()));
            json.addObject()
                .put("name", d.name())
                .put("description", d.description())
                .set("parameters", d.parameters());
            n +=
                tokens.count(d.name())
                    + tokens.count(d.description())
                    + tokens.count(d.parameters().toString())
                    + Tokens.PER_MESSAGE;
          }
          return new ToolSet(List.copyOf(specs), json.toPrettyString(), n);
        });
  }

  private static String transcript(Window window) {
    StringBuilder sb = new StringBuilder();
    for (Window.Entry e : window.entries()) {
      if (e.message().isEmpty()) {
        continue;
      }
      sb.append(sb.length() == 0 ? "" : "\n").append(Transcript.display(e.record(), 100_000));
    }
    return sb.toString();
  }
}
