package dev.memdir.letta;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What an import made and what it could not map: every field of the source that has no place in an
 * agent directory, or was changed to fit one, is an {@link Item}.
 *
 * @param source the file or folder imported, as the user named it
 * @param agents the agent directories written, in the file's order
 * @param items what was not mapped or was changed, in the file's order
 */
public record ImportReport(String source, List<Path> agents, List<Item> items) {
  /** The report file each imported agent directory gets. */
  public static final String FILE = "import-report.md";

  /** Copies the lists. */
  public ImportReport {
    Objects.requireNonNull(source, "source");
    agents = List.copyOf(agents);
    items = List.copyOf(items);
  }

  /**
   * One thing not mapped or changed.
   *
   * @param where the field's path in the source ({@code agents[0].tool_rules[2]}) or file
   * @param what what happened to it and why
   */
  public record Item(String where, String what) {
    /** Validates. */
    public Item {
      Objects.requireNonNull(where, "where");
      Objects.requireNonNull(what, "what");
    }

    @Override
    public String toString() {
      return where.isEmpty() ? what : where + ": " + what;
    }
  }

  /** The report as Markdown, as written to {@value #FILE}. */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder("# Import report\n\n");
    sb.append("Imported from `").append(source).append("` by memdir.\n\n");
    sb.append("## Agents\n\n");
    for (Path p : agents) {
      sb.append("- ").append(p.getFileName()).append('\n');
    }
    sb.append("\n## Not mapped or changed (").append(items.size()).append(")\n\n");
    if (items.isEmpty()) {
      sb.append("Everything was mapped.\n");
    }
    for (Item i : items) {
      sb.append("- ").append(i).append('\n');
    }
    return sb.toString();
  }
}
