package dev.memdir.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.FormatException;

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
 */
public record FrontMatterDocument(
    YamlMap frontMatter, String body, int bodyLine, boolean hasFrontMatter) {

  /** Parses normalised text (LF line ends, no BOM) of the file {@code file}. */
  public static FrontMatterDocument parse(String text, String file) {
    if (!(text.startsWith("---\n") || text.equals("---") || text.startsWith("--- \n"))) {
      return new FrontMatterDocument(YamlMap.empty(file), text, 1, false);
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
        return new FrontMatterDocument(fm, body, line + 1, true);
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

  /** Renders front matter (when not empty) and body as file text. */
  public static String render(ObjectNode frontMatter, String body) {
    if (frontMatter.isEmpty()) {
      return body;
    }
    return "---\n" + YamlMap.write(frontMatter) + "---\n" + body;
  }
}
