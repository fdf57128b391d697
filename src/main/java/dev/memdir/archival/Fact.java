package dev.memdir.archival;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.format.FrontMatterDocument;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One archival fact, stored as {@code archival/2026-11-26-prefers-green-tea-3f9a1c.md}:
 *
 * <pre>
 * ---
 * id: 2026-11-26-prefers-green-tea-3f9a1c
 * created: 2026-11-26T08:30:00Z
 * tags:
 *   - preferences
 * ---
 * Ada prefers green tea to coffee.
 * </pre>
 *
 * @param id the front-matter id; for files without one, the file name without {@code .md}
 * @param created when the fact was stored, UTC
 * @param tags labels for filtering, in the order written
 * @param text the fact, with one trailing newline removed
 * @param fileName the file's name in {@code archival/}
 * @param extra unknown front-matter keys, kept as is
 */
public record Fact(
    String id, Instant created, List<String> tags, String text, String fileName, ObjectNode extra) {

  /** Validates and copies. */
  public Fact {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(fileName, "fileName");
    tags = List.copyOf(tags);
    extra = extra.deepCopy();
  }

  /** The file text. */
  public String render() {
    ObjectNode fm = JsonNodeFactory.instance.objectNode();
    fm.put("id", id);
    fm.put("created", created.toString());
    if (!tags.isEmpty()) {
      tags.forEach(fm.putArray("tags")::add);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      fm.set(e.getKey(), e.getValue());
    }
    return FrontMatterDocument.render(fm, text + "\n");
  }
}
