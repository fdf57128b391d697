package dev.memdir.git;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.merge.MergeAlgorithm;
import org.eclipse.jgit.merge.MergeChunk;
import org.eclipse.jgit.merge.MergeResult;

/**
 * A line-level three-way merge of a text file (a memory block, a fact, a setting). Lines only one
 * side changed merge cleanly; where both sides changed the same lines, {@link OnConflict} decides:
 * {@code KEEP_BOTH} writes both texts between marked lines, which the agent sees in its block and
 * {@code memdir validate} reports until a person or the agent resolves them:
 *
 * <pre>
 * &lt;&lt;&lt;&lt;&lt;&lt;&lt; ours (memdir sync kept both sides)
 * Likes green tea.
 * =======
 * Likes coffee.
 * &gt;&gt;&gt;&gt;&gt;&gt;&gt; theirs (origin/main)
 * </pre>
 *
 * A conflict inside a block's front matter keeps our front matter (the settings), so the block
 * still loads; its text below always keeps both sides.
 */
final class BlockMerge {
  /** What to do where both sides changed the same lines. */
  enum OnConflict {
    KEEP_BOTH,
    OURS,
    THEIRS,
    FAIL;

    static OnConflict parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  /** The merged text and how many conflicting places it had. */
  record Result(String text, int conflicts) {}

  private BlockMerge() {}

  static Result merge(
      String base, String ours, String theirs, OnConflict policy, String theirsName) {
    RawText b = raw(base);
    RawText o = raw(ours);
    RawText t = raw(theirs);
    MergeResult<RawText> m = new MergeAlgorithm().merge(RawTextComparator.DEFAULT, b, o, t);
    int frontMatterEnd = frontMatterEnd(o);
    StringBuilder out = new StringBuilder();
    int conflicts = 0;
    MergeChunk oursChunk = null;
    for (MergeChunk c : m) {
      RawText seq = m.getSequences().get(c.getSequenceIndex());
      switch (c.getConflictState()) {
        case NO_CONFLICT -> append(out, seq, c);
        case FIRST_CONFLICTING_RANGE -> oursChunk = c;
        case NEXT_CONFLICTING_RANGE -> {
          conflicts++;
          boolean inFrontMatter = oursChunk.getBegin() < frontMatterEnd;
          OnConflict p = inFrontMatter && policy == OnConflict.KEEP_BOTH ? OnConflict.OURS : policy;
          if (p == OnConflict.THEIRS) {
            append(out, seq, c);
          } else if (p == OnConflict.KEEP_BOTH) {
            out.append("<<<<<<< ours (memdir sync kept both sides)\n");
            append(out, o, oursChunk);
            out.append("=======\n");
            append(out, seq, c);
            out.append(">>>>>>> theirs (").append(theirsName).append(")\n");
          } else {
            append(out, o, oursChunk);
          }
        }
        default -> {
          // BASE_CONFLICTING_RANGE: only in diff3 output, not asked for here.
        }
      }
    }
    return new Result(out.toString(), conflicts);
  }

  private static void append(StringBuilder out, RawText seq, MergeChunk c) {
    for (int i = c.getBegin(); i < c.getEnd(); i++) {
      out.append(seq.getString(i)).append('\n');
    }
  }

  /** The line after a block's closing {@code ---}, or 0 when it has no front matter. */
  private static int frontMatterEnd(RawText t) {
    if (t.size() == 0 || !t.getString(0).strip().equals("---")) {
      return 0;
    }
    for (int i = 1; i < t.size(); i++) {
      if (t.getString(i).strip().equals("---")) {
        return i + 1;
      }
    }
    return 0;
  }

  private static RawText raw(String s) {
    return new RawText(s.getBytes(StandardCharsets.UTF_8));
  }
}
