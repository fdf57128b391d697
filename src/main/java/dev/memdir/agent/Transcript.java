package dev.memdir.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.history.Record;
import dev.memdir.history.Role;
import dev.memdir.llm.AssistantMessage;
import dev.memdir.llm.Message;
import dev.memdir.llm.SystemMessage;
import dev.memdir.llm.ToolCall;
import dev.memdir.llm.ToolResultMessage;
import dev.memdir.llm.UserMessage;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Converts history records to the messages a model gets, and to text a person reads. */
final class Transcript {
  /** What a tool call whose result was never recorded gets as its result. */
  static final String NO_RESULT =
      "no result was recorded: memdir stopped while running this tool; check whether it took"
          + " effect before calling it again";

  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private Transcript() {}

  /**
   * The message a record stands for in the window, if any: {@code user}, {@code assistant}, {@code
   * tool} and {@code system} records do; summaries are shown through {@link #summary}; events and
   * unknown roles are for the record only.
   */
  static Optional<Message> toMessage(Record r) {
    Optional<Role> role = r.knownRole();
    if (role.isEmpty()) {
      return Optional.empty();
    }
    String content = r.content();
    switch (role.get()) {
      case USER:
        return content.isEmpty() ? Optional.empty() : Optional.of(new UserMessage(content));
      case ASSISTANT:
        List<ToolCall> calls = toolCalls(r);
        if (content.isEmpty() && calls.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(new AssistantMessage(content, calls));
      case TOOL:
        String id = r.toolCallId().orElse("");
        if (id.isEmpty()) {
          return Optional.empty();
        }
        boolean error = r.field("is_error").map(JsonNode::asBoolean).orElse(false);
        return Optional.of(new ToolResultMessage(id, r.name().orElse(""), content, error));
      case SYSTEM:
        return content.isEmpty() ? Optional.empty() : Optional.of(new SystemMessage(content));
      default:
        return Optional.empty();
    }
  }

  /**
   * The user record an error record names as answered by no model ({@link Runner#failed}): the turn
   * failed before any reply, and the message is left out of later windows.
   */
  static Optional<String> unanswered(Record r) {
    if (!r.role().equals(Role.EVENT.word()) || r.field(Runner.ERROR_FIELD).isEmpty()) {
      return Optional.empty();
    }
    return r.field(Runner.UNANSWERED_FIELD).filter(JsonNode::isTextual).map(JsonNode::asText);
  }

  /** A summary record as the first message of the window. */
  static Message summary(Record r) {
    return new UserMessage(summaryText(r));
  }

  static String summaryText(Record r) {
    return "[Summary of the earlier conversation, which no longer fits in the context window;"
        + " conversation_search finds those messages in full.]\n"
        + r.content();
  }

  /** The tool calls of an assistant record, from its OpenAI-shaped {@code tool_calls}. */
  static List<ToolCall> toolCalls(Record r) {
    List<ToolCall> out = new ArrayList<>();
    JsonNode calls = r.toolCalls().orElse(null);
    if (calls == null) {
      return out;
    }
    for (JsonNode c : calls) {
      String id = c.path("id").asText("");
      JsonNode fn = c.path("function");
      String name = fn.path("name").asText("");
      if (id.isEmpty() || name.isEmpty()) {
        continue;
      }
      JsonNode args = fn.get("arguments");
      String raw =
          args == null || args.isNull()
              ? ""
              : args.isTextual() ? args.textValue() : args.toString();
      out.add(ToolCall.of(id, apiName(name), raw));
    }
    return out;
  }

  /**
   * A tool name both APIs accept when a call is sent back: a model may have called a name with
   * spaces or dots (the call failed as an unknown tool), and replaying it as written would get the
   * whole request refused.
   */
  static String apiName(String name) {
    String clean = name.replaceAll("[^a-zA-Z0-9_-]", "_");
    return clean.length() > 64 ? clean.substring(0, 64) : clean;
  }

  /** Tool calls in the OpenAI shape, as history stores them. */
  static ArrayNode toolCallsJson(List<ToolCall> calls) {
    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
    for (ToolCall c : calls) {
      ObjectNode o = arr.addObject().put("id", c.id()).put("type", "function");
      o.putObject("function").put("name", c.name()).put("arguments", c.rawArguments());
    }
    return arr;
  }

  /** The tokens a record takes in the window. */
  static int tokens(Record r, Tokens tokens) {
    Optional<Message> m =
        r.knownRole().filter(x -> x == Role.SUMMARY).isPresent()
            ? Optional.of(summary(r))
            : toMessage(r);
    return m.map(x -> tokens(x, tokens)).orElse(0);
  }

  static int tokens(Message m, Tokens tokens) {
    int n = Tokens.PER_MESSAGE;
    if (m instanceof UserMessage u) {
      n += tokens.count(u.text());
    } else if (m instanceof SystemMessage s) {
      n += tokens.count(s.text());
    } else if (m instanceof AssistantMessage a) {
      n += tokens.count(a.text());
      for (ToolCall c : a.toolCalls()) {
        n += tokens.count(c.name()) + tokens.count(c.rawArguments()) + Tokens.PER_MESSAGE;
      }
    } else if (m instanceof ToolResultMessage t) {
      n += tokens.count(t.content());
    }
    return n;
  }

  /**
   * The messages with every tool call answered and every tool result answering a call: results
   * whose call is not in the window are dropped, and calls left without results (a crash between
   * the two) get {@link #NO_RESULT}, so the request is valid for both APIs.
   */
  static List<Message> consistent(List<Message> in) {
    List<Message> out = new ArrayList<>(in.size() + 4);
    Map<String, ToolCall> pending = new LinkedHashMap<>();
    for (Message m : in) {
      if (m instanceof ToolResultMessage t) {
        if (pending.remove(t.toolCallId()) != null) {
          out.add(t);
        }
        continue;
      }
      answer(pending, out);
      if (m instanceof AssistantMessage a) {
        for (ToolCall c : a.toolCalls()) {
          pending.put(c.id(), c);
        }
      }
      out.add(m);
    }
    answer(pending, out);
    return out;
  }

  private static void answer(Map<String, ToolCall> pending, List<Message> out) {
    for (ToolCall c : pending.values()) {
      out.add(new ToolResultMessage(c.id(), c.name(), NO_RESULT, true));
    }
    pending.clear();
  }

  /** A record as a person reads it: {@code [2026-11-26 08:30] user: text}. */
  static String display(Record r, int maxChars) {
    String at = "[" + MINUTE.format(r.ts()) + "] ";
    String role = r.role();
    StringBuilder sb = new StringBuilder(at);
    if (role.equals(Role.TOOL.word())) {
      boolean error = r.field("is_error").map(JsonNode::asBoolean).orElse(false);
      sb.append("tool ")
          .append(r.name().orElse("?"))
          .append(error ? " failed: " : " returned: ")
          .append(cut(r.content(), maxChars));
      return sb.toString();
    }
    sb.append(role).append(": ").append(cut(r.content(), maxChars));
    for (ToolCall c : toolCalls(r)) {
      sb.append("\n")
          .append(at)
          .append(role)
          .append(" called ")
          .append(c.name())
          .append(' ')
          .append(cut(c.rawArguments(), maxChars));
    }
    return sb.toString();
  }

  static String cut(String s, int maxChars) {
    if (s.length() <= maxChars) {
      return s;
    }
    return s.substring(0, maxChars) + "… (" + (s.length() - maxChars) + " more chars)";
  }
}
