package dev.memdir.memory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.EditException;
import java.util.Objects;
import java.util.Optional;

/**
 * One edit of a block's value, kept (as JSON) with the old file of its write so that it can be
 * redone on a person's text that reached that old file late.
 *
 * @param kind append, replace, insert or rethink; or tail: text a person appended to an old file
 *     late (through a descriptor held open), appended to the file as is
 * @param text the appended or inserted text, the new text of a replace, or the rethought value
 * @param old the old text of a replace, else ""
 * @param line the line of an insert, else 0
 */
record Op(String kind, String text, String old, int line) {
  private static final ObjectMapper JSON = new ObjectMapper();

  Op {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(old, "old");
    if (!kind.equals("append")
        && !kind.equals("replace")
        && !kind.equals("insert")
        && !kind.equals("rethink")
        && !kind.equals("tail")) {
      throw new IllegalArgumentException("unknown edit kind " + kind);
    }
  }

  static Op append(String text) {
    return new Op("append", text, "", 0);
  }

  static Op replace(String old, String text) {
    return new Op("replace", text, old, 0);
  }

  static Op insert(String text, int line) {
    return new Op("insert", text, "", line);
  }

  static Op tail(String text) {
    return new Op("tail", text, "", 0);
  }

  static Op rethink(String value) {
    return new Op("rethink", value, "", 0);
  }

  /**
   * The new value of {@code b}; {@code stale} when the value changed since the edit was computed,
   * and then only an unambiguous edit is applied.
   *
   * @param display how to name the block's file in a refusal
   * @throws EditException when the edit cannot be applied (or not unambiguously)
   */
  String apply(Block b, boolean stale, String display) {
    return switch (kind) {
      case "append" -> b.value().isEmpty() ? text : b.value() + "\n" + text;
      case "tail" -> {
        String body = (b.value().isEmpty() ? "" : b.value() + "\n") + text;
        yield body.endsWith("\n") ? body.substring(0, body.length() - 1) : body;
      }
      case "replace" ->
          stale
              ? Edits.replaceOnceInChanged(b.label(), b.value(), old, text)
              : Edits.replaceOnce(b.label(), b.value(), old, text);
      case "insert" -> {
        if (stale && line != 0 && line != -1) {
          throw new EditException(
              "edit refused: block '"
                  + b.label()
                  + "' changed since the agent read it, so line "
                  + line
                  + " may not be the line meant; read the block again, or insert at 0 (top) or"
                  + " -1 (end)");
        }
        yield Edits.insertLines(b.label(), b.value(), text, line);
      }
      default -> {
        if (stale) {
          throw new EditException(
              "edit refused: block '"
                  + b.label()
                  + "' changed since the agent read it (someone edited "
                  + display
                  + "); a rethink would overwrite that change, so read the block again and"
                  + " rethink from its current text");
        }
        yield text;
      }
    };
  }

  String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("op", kind);
    o.put("text", text);
    if (kind.equals("replace")) {
      o.put("old", old);
    }
    if (kind.equals("insert")) {
      o.put("line", line);
    }
    return o.toString();
  }

  /** The edit a note holds; empty for an empty or foreign note. */
  static Optional<Op> fromJson(String note) {
    if (note.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode o = JSON.readTree(note);
      return Optional.of(
          new Op(
              o.path("op").asText(),
              o.path("text").asText(),
              o.path("old").asText(""),
              o.path("line").asInt(0)));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
