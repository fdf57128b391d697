package dev.memdir.git;

import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code memdir merge-file %O %A %B %P} merge driver that {@code init --git} names in the
 * repository's config: history segments merge as the union of their records in time order, other
 * files line by line with both sides kept and marked where both changed the same lines.
 */
public final class MergeDriver {
  private MergeDriver() {}

  /**
   * Merges {@code theirs} into {@code ours} (rewritten in place) from their common {@code base};
   * {@code path} is the file's path in the repository.
   *
   * @return the number of places where both sides were kept between marker lines
   */
  public static int mergeFile(Path base, Path ours, Path theirs, String path) {
    try {
      String o = Files.readString(ours, StandardCharsets.UTF_8);
      String t = Files.readString(theirs, StandardCharsets.UTF_8);
      if (path.endsWith(".jsonl") && (path.startsWith("history/") || path.contains("/history/"))) {
        AtomicFiles.write(ours, HistoryMerge.merge(o, t));
        return 0;
      }
      String b = Files.readString(base, StandardCharsets.UTF_8);
      BlockMerge.Result r = BlockMerge.merge(b, o, t, BlockMerge.OnConflict.KEEP_BOTH, "theirs");
      AtomicFiles.write(ours, r.text());
      return r.conflicts();
    } catch (IOException e) {
      throw new MemdirException("merge-file " + path + ": " + e.getMessage(), e);
    }
  }
}
