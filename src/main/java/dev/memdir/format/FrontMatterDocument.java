package dev.memdir.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.FormatException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Markdown file with optional YAML front matter, for example:
 *
 * <pre>
 * ---
 * description: What the agent knows about the user.
 * limit: 5000
 * ---
 * Name: Ada. Prefers short answers.
 * </pre>
 *
 * <p>The front matter starts with a {@code ---} line as the file's first line and ends at the next
 * {@code ---} (or {@code ...}) line. A file that does not start with {@code ---} has no front
 * matter: all of it is body.
 *
 * @param frontMatter the parsed front matter, empty when there is none
 * @param body the text after the closing line (LF line ends)
 * @param bodyLine the file line on which the body starts
 * @param hasFrontMatter whether the file had a front matter block
 * @param head the text before the body: the front matter from its opening to its closing line, as
 *     read; empty when there is none
 */
public record FrontMatterDocument(
    YamlMap frontMatter, String body, int bodyLine, boolean hasFrontMatter, String head) {

  /** Parses normalised text (LF line ends, no BOM) of the file {@code file}. */
  public static FrontMatterDocument parse(String text, String file) {
    if (!(text.startsWith("---\n") || text.equals("---") || text.startsWith("--- \n"))) {
      return new FrontMatterDocument(YamlMap.empty(file), text, 1, false, "");
    }
    int start = text.indexOf('\n') + 1;
    int pos = start;
    int line = 2;
    while (pos <= text.length() && start > 0) {
      int end = text.indexOf('\n', pos);
      String l = (end < 0 ? text.substring(pos) : text.substring(pos, end)).stripTrailing();
      if (l.equals("---") || l.equals("...")) {
        YamlMap fm = YamlMap.parse(text.substring(start, pos), file, 2);
        String body = end < 0 ? "" : text.substring(end + 1);
        String head = end < 0 ? text + "\n" : text.substring(0, end + 1);
        return new FrontMatterDocument(fm, body, line + 1, true, head);
      }
      if (end < 0) {
        break;
      }
      pos = end + 1;
      line++;
    }
    throw new FormatException(
        file, 1, "front matter: opened with '---' on line 1 but never closed with a '---' line");
  }

  /**
   * Renders file text over front matter a person may have written: when {@code after} holds the
   * same keys and values as {@code before} (what {@code head} held), {@code head} is kept byte for
   * byte, comments, order, quoting, anchors and all; otherwise only the lines of the keys that
   * changed are rewritten, and keys that are new are added at its end. When that cannot be done
   * safely (a changed key held an anchor another key refers to), the front matter is written anew.
   *
   * @param head the front matter as read ({@link #head()}), or empty for a new file
   * @param before the front matter's keys and values as they were read, in canonical form
   * @param after the keys and values to write, in the same form
   * @param body the text after the front matter
   */
  public static String render(String head, ObjectNode before, ObjectNode after, String body) {
    if (head.isEmpty()) {
      return render(after, body);
    }
    if (before.equals(after)) {
      return head + body;
    }
    return patch(head, before, after).orElseGet(() -> render(after, "")) + body;
  }

  private static java.util.Optional<String> patch(
      String head, ObjectNode before, ObjectNode after) {
    List<String> lines = new ArrayList<>(head.lines().toList());
    String closing = lines.remove(lines.size() - 1);
    String yaml = String.join("\n", lines.subList(1, lines.size())) + "\n";
    YamlMap raw;
    try {
      raw = YamlMap.parse(yaml, "", 2);
    } catch (FormatException e) {
      return java.util.Optional.empty();
    }
    ObjectNode expected = raw.node();
    Set<String> changed = new LinkedHashSet<>();
    for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!after.has(k)) {
        changed.add(k);
        expected.remove(k);
      }
    }
    ObjectNode added = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().equals(before.get(e.getKey()))) {
        changed.add(e.getKey());
        expected.set(e.getKey(), e.getValue());
        if (!raw.has(e.getKey())) {
          added.set(e.getKey(), e.getValue());
        }
      }
    }
    // Each top-level key owns its line and the lines after it, up to the next key; comments and
    // blank lines in column 0 just before the next key belong to that key.
    List<String> keys = raw.keys();
    StringBuilder out = new StringBuilder(lines.get(0)).append('\n');
    int next = 1;
    for (int i = 0; i < keys.size(); i++) {
      int from = raw.line(keys.get(i)) - 1;
      int to = i + 1 < keys.size() ? raw.line(keys.get(i + 1)) - 1 : lines.size();
      while (to - 1 > from && isLoose(lines.get(to - 1))) {
        to--;
      }
      for (; next < from; next++) {
        out.append(lines.get(next)).append('\n');
      }
      String key = keys.get(i);
      if (!changed.contains(key)) {
        for (int j = from; j < to; j++) {
          out.append(lines.get(j)).append('\n');
        }
      } else if (after.has(key)) {
        ObjectNode one = JsonNodeFactory.instance.objectNode();
        one.set(key, after.get(key));
        out.append(YamlMap.write(one));
      }
      next = to;
    }
    for (; next < lines.size(); next++) {
      out.append(lines.get(next)).append('\n');
    }
    out.append(YamlMap.write(added));
    String patched = out.substring(out.indexOf("\n") + 1);
    try {
      if (!YamlMap.parse(patched, "", 2).node().equals(expected)) {
        return java.util.Optional.empty();
      }
    } catch (FormatException e) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(out + closing + "\n");
  }

  private static boolean isLoose(String line) {
    return line.isBlank() || line.startsWith("#");
  }

  /** Renders front matter (when not empty) and body as file text. */
  public static String render(ObjectNode frontMatter, String body) {
    if (frontMatter.isEmpty()) {
      return body;
    }
    return "---\n" + YamlMap.write(frontMatter) + "---\n" + body;
  }
}
