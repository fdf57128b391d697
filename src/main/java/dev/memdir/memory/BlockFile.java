package dev.memdir.memory;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.format.FrontMatterDocument;
import dev.memdir.format.Problem;
import dev.memdir.format.YamlMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Parses the text of a {@code memory/<label>.md} file into a {@link Block}. */
final class BlockFile {
  static final Set<String> KNOWN_KEYS = Set.of("description", "limit", "read_only", "metadata");

  private BlockFile() {}

  /**
   * Parses normalised file text.
   *
   * @param warnings receives a warning per unknown front-matter key
   * @throws dev.memdir.FormatException naming file and line
   */
  static Block parse(String label, String text, String file, List<Problem> warnings) {
    FrontMatterDocument doc = FrontMatterDocument.parse(text, file);
    YamlMap fm = doc.frontMatter();
    ObjectNode extra = fm.unknown(KNOWN_KEYS);
    for (Iterator<String> it = extra.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      warnings.add(
          Problem.warning(
              file,
              fm.line(key),
              "front matter: unknown key '"
                  + key
                  + "' (kept as is; known: description, limit, read_only, metadata)"));
    }
    String body = doc.body();
    String value = body.endsWith("\n") ? body.substring(0, body.length() - 1) : body;
    return new Block(
        label,
        fm.string("description").orElse(""),
        fm.integer("limit", 1).orElse(Block.DEFAULT_LIMIT),
        fm.bool("read_only").orElse(false),
        fm.object("metadata").orElse(JsonNodeFactory.instance.objectNode()),
        value,
        extra,
        doc.hasFrontMatter(),
        doc.head());
  }
}
