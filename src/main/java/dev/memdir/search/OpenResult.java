package dev.memdir.search;

import java.util.List;

/**
 * What {@link Search#openFiles} did.
 *
 * @param opened the windows opened, in the order asked
 * @param closed files closed to make room or because {@code close_all_others} was set
 * @param notes capped values and other things worth saying
 */
public record OpenResult(List<FileWindow> opened, List<String> closed, List<String> notes) {
  /** Copies the lists. */
  public OpenResult {
    opened = List.copyOf(opened);
    closed = List.copyOf(closed);
    notes = List.copyOf(notes);
  }

  /** The windows, then what was closed, then notes. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    for (FileWindow w : opened) {
      sb.append(sb.length() == 0 ? "" : "\n\n").append(w.render());
    }
    if (!closed.isEmpty()) {
      sb.append("\nclosed: ").append(String.join(", ", closed));
    }
    for (String n : notes) {
      sb.append("\nnote: ").append(n);
    }
    return sb.toString();
  }
}
