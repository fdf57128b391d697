package dev.memdir.memory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.format.FrontMatterDocument;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One core-memory block, stored as {@code memory/<label>.md}:
 *
 * <pre>
 * ---
 * description: What the agent knows about the person it talks to.
 * limit: 5000
 * read_only: false
 * ---
 * Name: Ada Lovelace.
 * Prefers short answers.
 * </pre>
 *
 * <p>The value is the body with one trailing newline removed; {@code limit} counts its Unicode code
 * points. A file without front matter is a block whose whole text is the value.
 *
 * @param label the path under {@code memory/} without {@code .md}, such as {@code human} or {@code
 *     system/human}
 * @param description what the block is for, shown to the model
 * @param limit the most code points the value may hold
 * @param readOnly whether the agent may not edit it (a person still may)
 * @param metadata free-form metadata, kept as is
 * @param value the block's text
 * @param extra unknown front-matter keys, kept as is
 * @param hasFrontMatter whether the file had front matter (kept that way when rewritten)
 * @param frontMatterText the front matter as read from the file, empty for a new block: kept byte
 *     for byte when a rewrite changes no key, so a person's comments and layout survive
 */
public record Block(
    String label,
    String description,
    int limit,
    boolean readOnly,
    ObjectNode metadata,
    String value,
    ObjectNode extra,
    boolean hasFrontMatter,
    String frontMatterText) {

  /** The limit of a block whose file does not set one. */
  public static final int DEFAULT_LIMIT = 5_000;

  /** Validates the fields and copies the JSON nodes. */
  public Block {
    checkLabel(label);
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(frontMatterText, "frontMatterText");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    metadata = metadata.deepCopy();
    extra = extra.deepCopy();
  }

  /** A new block with front matter, no metadata. */
  public static Block create(String label, String description, int limit, String value) {
    ObjectNode empty = JsonNodeFactory.instance.objectNode();
    return new Block(label, description, limit, false, empty, value, empty, true, "");
  }

  /**
   * Checks that a label maps to a safe file under {@code memory/} (see {@link BlockPath}): parts of
   * letters, digits, '_', '-' and '.', separated by '/', as in {@code system/human}.
   *
   * @throws IllegalArgumentException naming the label and the rule
   */
  public static String checkLabel(String label) {
    return BlockPath.check(label);
  }

  /** Whether the context window shows this block in full (a flat label, or one under system/). */
  public boolean inContext() {
    return BlockPath.inContext(label);
  }

  /**
   * Parses the text of a block file, as {@link CoreMemory} reads it.
   *
   * @param file the file's name for messages
   * @param warnings receives a warning per unknown front-matter key
   * @throws dev.memdir.FormatException naming file and line
   */
  public static Block parse(String label, String text, String file, List<Problem> warnings) {
    return BlockFile.parse(checkLabel(label), text, file, warnings);
  }

  /** The number of code points in the value. */
  public int chars() {
    return TextFiles.codePoints(value);
  }

  /**
   * The SHA-256 (hex) of the value: what an agent edit passes as {@code basedOn} to say which text
   * it was computed against.
   */
  public String valueHash() {
    return TextFiles.sha256(value);
  }

  /** Whether the value is over its limit (possible after a hand edit). */
  public boolean overLimit() {
    return chars() > limit;
  }

  /** This block with another value. */
  public Block withValue(String newValue) {
    return new Block(
        label,
        description,
        limit,
        readOnly,
        metadata,
        newValue,
        extra,
        hasFrontMatter,
        frontMatterText);
  }

  /** The file text: front matter (if the block has one), the value, a trailing newline. */
  public String render() {
    String body = value.isEmpty() ? "" : value + "\n";
    if (!hasFrontMatter) {
      return body;
    }
    ObjectNode before =
        frontMatterText.isEmpty()
            ? JsonNodeFactory.instance.objectNode()
            : BlockFile.parse(label, frontMatterText, label + ".md", new ArrayList<>())
                .frontMatterNode();
    return FrontMatterDocument.render(frontMatterText, before, frontMatterNode(), body);
  }

  /** The front matter's keys in memdir's order, as {@link #render()} writes them to a new file. */
  private ObjectNode frontMatterNode() {
    ObjectNode fm = JsonNodeFactory.instance.objectNode();
    if (!description.isEmpty()) {
      fm.put("description", description);
    }
    fm.put("limit", limit);
    if (readOnly) {
      fm.put("read_only", true);
    }
    if (!metadata.isEmpty()) {
      fm.set("metadata", metadata);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      fm.set(e.getKey(), e.getValue());
    }
    return fm;
  }
}
