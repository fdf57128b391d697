package dev.memdir.tools;

import dev.memdir.archival.ArchivalStore;
import dev.memdir.archival.Fact;
import java.util.List;

/** {@code archival_memory_insert}: stores one long-term fact as a file under {@code archival/}. */
final class ArchivalTools {
  private final ArchivalStore archival;

  ArchivalTools(ArchivalStore archival) {
    this.archival = archival;
  }

  List<Tool> all() {
    return List.of(insert());
  }

  private Tool insert() {
    return new Tool(
        "archival_memory_insert",
        "Store one self-contained fact in archival memory, for later archival_memory_search."
            + " Phrase it so it can be found and understood on its own: who, what, when.",
        Schema.object()
            .string("content", "The fact.", true)
            .strings("tags", "Optional tags for filtering searches later.", false),
        (a, seen) -> {
          Fact f = archival.insert(a.string("content"), a.strings("tags"));
          return "Stored in archival memory as " + f.id() + ".";
        });
  }
}
