package dev.memdir.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.FormatException;
import dev.memdir.MemdirException;
import dev.memdir.ToolException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Layout;
import dev.memdir.format.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file windows kept open between turns, in {@code .memdir/windows.json}, least recently used
 * first:
 *
 * <pre>
 * {"v":1,"open":[{"file":"notes.md","offset":40,"length":41}]}
 * </pre>
 *
 * <p>The file is derived state: when it is missing or unreadable, no window is open.
 */
final class Windows {
  /** The most lines one window shows. */
  static final int MAX_LENGTH = 1_000;

  /** The most chars of one line shown in a window. */
  static final int MAX_LINE_CHARS = 2_000;

  /** The most chars one window shows; the lines after are left out with a note. */
  static final int MAX_WINDOW_CHARS = 50_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path stateFile;
  private final FilesRoot root;
  private final int maxOpen;

  /** A window as remembered: file, first line, line count. */
  record Spec(String file, int offset, int length) {}

  Windows(Layout layout, FilesRoot root, int maxOpen) {
    this.stateFile = layout.derivedDir().resolve("windows.json");
    this.root = root;
    this.maxOpen = maxOpen;
  }

  OpenResult open(List<FileRequest> requests, boolean closeAllOthers) {
    if (requests.isEmpty()) {
      throw new ToolException(
          "file_requests is empty; give at least one {file_name, offset, length}");
    }
    List<String> notes = new ArrayList<>();
    if (requests.size() > maxOpen) {
      throw new ToolException(
          "at most " + maxOpen + " files can be open at once; " + requests.size() + " were asked");
    }
    Map<String, Spec> asked = new LinkedHashMap<>();
    List<FileWindow> opened = new ArrayList<>();
    for (FileRequest r : requests) {
      FilesRoot.Entry e = root.resolve(r.fileName());
      int offset = r.offset();
      int length = r.length();
      if (offset < 1) {
        throw new ToolException("offset is the first line to show, 1 or more; got " + offset);
      }
      if (length < 1) {
        throw new ToolException("length is a number of lines, 1 or more; got " + length);
      }
      if (length > MAX_LENGTH) {
        notes.add("length " + length + " capped at " + MAX_LENGTH + " lines");
        length = MAX_LENGTH;
      }
      FileWindow w = render(e, offset, length, notes);
      asked.put(e.name(), new Spec(e.name(), w.offset(), length));
      opened.add(w);
    }
    List<Spec> state = load(notes);
    List<String> closed = new ArrayList<>();
    List<Spec> next = new ArrayList<>();
    for (Spec s : state) {
      if (asked.containsKey(s.file())) {
        continue;
      }
      if (closeAllOthers) {
        closed.add(s.file());
      } else {
        next.add(s);
      }
    }
    next.addAll(asked.values());
    while (next.size() > maxOpen) {
      Spec lru = next.remove(0);
      closed.add(lru.file());
      notes.add(
          "closed "
              + lru.file()
              + ", the least recently used, to keep at most "
              + maxOpen
              + " files open");
    }
    save(next);
    return new OpenResult(opened, closed, notes);
  }

  /**
   * Closes windows by file name.
   *
   * @return the files closed, then notes for names that were not open
   */
  Results<String> close(List<String> names) {
    List<String> notes = new ArrayList<>();
    List<Spec> state = load(notes);
    Set<String> wanted = new LinkedHashSet<>();
    for (String n : names) {
      wanted.add(FilesRoot.check(n));
    }
    List<String> closed = new ArrayList<>();
    List<Spec> next = new ArrayList<>();
    for (Spec s : state) {
      if (wanted.remove(s.file())) {
        closed.add(s.file());
      } else {
        next.add(s);
      }
    }
    for (String n : wanted) {
      notes.add(n + " was not open");
    }
    save(next);
    return new Results<>(closed, notes);
  }

  /** The open windows, read fresh from their files; windows of vanished files are closed. */
  Results<FileWindow> current() {
    List<String> notes = new ArrayList<>();
    List<Spec> state = load(notes);
    List<FileWindow> out = new ArrayList<>();
    List<Spec> keep = new ArrayList<>();
    for (Spec s : state) {
      try {
        FilesRoot.Entry e = root.resolve(s.file());
        out.add(render(e, s.offset(), s.length(), notes));
        keep.add(s);
      } catch (ToolException e) {
        notes.add("closed " + s.file() + ": " + e.getMessage());
      }
    }
    if (keep.size() != state.size()) {
      save(keep);
    }
    return new Results<>(out, notes);
  }

  private FileWindow render(FilesRoot.Entry e, int offset, int length, List<String> notes) {
    String text = read(e);
    List<String> all = text.isEmpty() ? List.of() : lines(text);
    int total = all.size();
    if (total > 0 && offset > total) {
      notes.add(
          e.name()
              + " has "
              + total
              + " lines; offset "
              + offset
              + " moved to the last "
              + Math.min(length, total)
              + " lines");
      offset = Math.max(1, total - length + 1);
    }
    int end = Math.min(total, offset - 1 + length);
    List<String> shown = new ArrayList<>();
    int chars = 0;
    for (int i = offset - 1; i < end; i++) {
      String l = all.get(i);
      if (l.length() > MAX_LINE_CHARS) {
        l =
            l.substring(0, MAX_LINE_CHARS)
                + " … ("
                + (l.length() - MAX_LINE_CHARS)
                + " more chars)";
      }
      if (chars + l.length() > MAX_WINDOW_CHARS && !shown.isEmpty()) {
        notes.add(
            e.name()
                + ": window cut after line "
                + i
                + " at "
                + MAX_WINDOW_CHARS
                + " chars; open from offset "
                + (i + 1)
                + " to read on");
        break;
      }
      chars += l.length() + 1;
      shown.add(l);
    }
    return new FileWindow(e.name(), total == 0 ? 1 : offset, length, total, shown);
  }

  private String read(FilesRoot.Entry e) {
    byte[] bytes;
    try {
      bytes = root.read(e.name(), MainIndex.MAX_FILE_BYTES);
    } catch (FilesRoot.Unreadable ex) {
      throw new ToolException("cannot open '" + e.name() + "': " + ex.getMessage());
    } catch (NoSuchFileException ex) {
      throw new ToolException("no file '" + e.name() + "' under files/ (it was just deleted)");
    } catch (IOException ex) {
      throw new MemdirException("files/" + e.name() + ": cannot read: " + ex.getMessage(), ex);
    }
    if (Binary.looksBinary(bytes)) {
      throw new ToolException(e.name() + " is a binary file and cannot be opened as text");
    }
    try {
      return TextFiles.decode(bytes, "files/" + e.name());
    } catch (FormatException ex) {
      throw new ToolException(e.name() + " is not UTF-8 text: " + ex.detail());
    }
  }

  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int pos = 0;
    while (pos < text.length()) {
      int end = text.indexOf('\n', pos);
      if (end < 0) {
        end = text.length();
      }
      out.add(text.substring(pos, end));
      pos = end + 1;
    }
    return out;
  }

  private List<Spec> load(List<String> notes) {
    if (!Files.isRegularFile(stateFile)) {
      return new ArrayList<>();
    }
    List<Spec> out = new ArrayList<>();
    try {
      // RuntimeException (FormatException) for a link or an oversized file: derived state, reset.
      JsonNode n = JSON.readTree(TextFiles.readBytes(stateFile, ".memdir/windows.json", 1 << 20));
      for (JsonNode w : n.path("open")) {
        String file = w.path("file").asText("");
        int offset = w.path("offset").asInt(1);
        int length = w.path("length").asInt(FileRequest.DEFAULT_LENGTH);
        if (!file.isEmpty() && offset >= 1 && length >= 1 && length <= MAX_LENGTH) {
          out.add(new Spec(file, offset, length));
        }
      }
    } catch (IOException | RuntimeException e) {
      notes.add(".memdir/windows.json is unreadable (" + e.getMessage() + "); no file is open");
      return new ArrayList<>();
    }
    return out;
  }

  private void save(List<Spec> specs) {
    ObjectNode root = JSON.createObjectNode();
    root.put("v", 1);
    ArrayNode arr = root.putArray("open");
    for (Spec s : specs) {
      arr.addObject().put("file", s.file()).put("offset", s.offset()).put("length", s.length());
    }
    try {
      AtomicFiles.write(stateFile, JSON.writeValueAsString(root) + "\n");
    } catch (IOException e) {
      throw new MemdirException("cannot write .memdir/windows.json: " + e.getMessage(), e);
    }
  }
}
