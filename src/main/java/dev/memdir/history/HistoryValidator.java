package dev.memdir.history;

import dev.memdir.MemdirException;
import dev.memdir.format.Layout;
import dev.memdir.format.Problem;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads every line of every segment and reports what is wrong, with file and line. */
final class HistoryValidator {
  private HistoryValidator() {}

  static List<Problem> validate(Layout layout) {
    List<Problem> out = new ArrayList<>();
    Path dir = layout.historyDir();
    if (!Files.isDirectory(dir)) {
      return out; // missing means empty; a file here is reported with the other folders
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(entries::add);
    } catch (IOException e) {
      out.add(Problem.error(layout.display(dir), 0, "cannot list: " + e.getMessage()));
      return out;
    }
    entries.sort(null);
    Set<String> ids = new HashSet<>();
    for (Path p : entries) {
      String name = p.getFileName().toString();
      String display = layout.display(p);
      if (name.startsWith(".")) {
        continue;
      } else if (name.equals(Segments.QUARANTINE)) {
        quarantine(layout, p, out);
      } else if (!Segments.NAME.matcher(name).matches()) {
        out.add(
            Problem.warning(
                display, 0, "not a history segment (segments are YYYY-MM.jsonl); ignored"));
      } else if (Files.isDirectory(p)) {
        out.add(
            Problem.error(
                display,
                0,
                "is a directory, expected a file; its month cannot be read or appended to"));
      } else {
        segment(layout, p, ids, out);
      }
    }
    return out;
  }

  private static void quarantine(Layout layout, Path dir, List<Problem> out) {
    if (!Files.isDirectory(dir)) {
      out.add(
          Problem.warning(
              layout.display(dir), 0, "is a file, expected a folder for torn lines set aside"));
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      List<Path> files = new ArrayList<>();
      ds.forEach(files::add);
      files.sort(null);
      for (Path q : files) {
        out.add(
            Problem.warning(
                layout.display(q),
                0,
                "a torn line set aside after a crash; look at it, then delete it"));
      }
    } catch (IOException e) {
      out.add(Problem.warning(layout.display(dir), 0, "cannot list: " + e.getMessage()));
    }
  }

  private static void segment(Layout layout, Path seg, Set<String> ids, List<Problem> out) {
    String display = layout.display(seg);
    String month = seg.getFileName().toString().substring(0, 7);
    List<String> warnings = new ArrayList<>();
    int lineNo = 0;
    try (LineReader r = new LineReader(Files.newInputStream(seg), 0, HistoryLog.MAX_LINE_BYTES)) {
      for (LineReader.Line l = r.next(); l != null; l = r.next()) {
        lineNo++;
        if (l.overLimit) {
          out.add(
              Problem.error(
                  display,
                  lineNo,
                  "line is over " + HistoryLog.MAX_LINE_BYTES + " bytes; readers skip it"));
          continue;
        }
        if (LineReader.isBlank(l.bytes, 0, l.length)) {
          if (l.terminated) {
            out.add(Problem.warning(display, lineNo, "blank line; readers skip it"));
          }
          continue;
        }
        if (ConflictMarker.is(l.bytes, 0, l.length)) {
          out.add(Problem.error(display, lineNo, ConflictMarker.MESSAGE));
          continue;
        }
        warnings.clear();
        Record rec;
        try {
          rec = Record.parse(l.bytes, 0, l.length, warnings);
        } catch (IllegalArgumentException e) {
          String torn =
              l.terminated
                  ? ""
                  : " (the last line has no newline: a torn write, set aside in history/quarantine/"
                      + " at the next open)";
          out.add(Problem.error(display, lineNo, e.getMessage() + torn));
          continue;
        }
        Optional<String> contentProblem = rec.contentProblem();
        if (contentProblem.isPresent()) {
          out.add(Problem.error(display, lineNo, contentProblem.get()));
        }
        if (!l.terminated) {
          warnings.add("no newline at the end of the file; one is added before the next append");
        }
        Optional<String> recSegment = Segments.monthOf(rec.ts());
        if (recSegment.isEmpty()) {
          warnings.add("'ts' " + Record.format(rec.ts()) + " is outside the years 1970 to 9999");
        } else if (!recSegment.get().startsWith(month)) {
          warnings.add(
              "'ts' " + Record.format(rec.ts()) + " belongs in history/" + recSegment.get());
        }
        if (!ids.add(rec.id())) {
          warnings.add("duplicate id " + rec.id() + "; readers return both records");
        }
        for (String w : warnings) {
          out.add(Problem.warning(display, lineNo, w));
        }
      }
    } catch (IOException e) {
      out.add(Problem.error(display, lineNo, "cannot read: " + e.getMessage()));
    } catch (MemdirException | IllegalArgumentException e) {
      out.add(Problem.error(display, lineNo, e.getMessage()));
    }
  }
}
