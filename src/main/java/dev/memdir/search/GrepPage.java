package dev.memdir.search;

import java.util.List;
import java.util.OptionalInt;

/**
 * One page of {@link Search#grepFiles} matches.
 *
 * @param matches up to {@link Search#GREP_PAGE} matches, by file then line
 * @param offset the index of the first match on this page
 * @param nextOffset the offset of the next page, when there are more matches
 * @param notes skipped files, capped values, an empty result explained
 */
public record GrepPage(
    List<GrepMatch> matches, int offset, OptionalInt nextOffset, List<String> notes) {
  /** Copies the lists. */
  public GrepPage {
    matches = List.copyOf(matches);
    notes = List.copyOf(notes);
  }

  /** The page as text: the matches, blank-line separated when they have context, then notes. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    boolean context = matches.stream().anyMatch(m -> !m.before().isEmpty() || !m.after().isEmpty());
    for (GrepMatch m : matches) {
      if (sb.length() > 0) {
        sb.append(context ? "\n--\n" : "\n");
      }
      sb.append(m.render());
    }
    if (matches.isEmpty()) {
      sb.append("no matches");
      if (offset > 0) {
        sb.append(" at offset ").append(offset);
      }
    }
    nextOffset.ifPresent(
        n -> sb.append("\n(more matches: call again with offset ").append(n).append(')'));
    for (String note : notes) {
      sb.append("\nnote: ").append(note);
    }
    return sb.toString();
  }
}
