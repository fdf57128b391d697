package dev.memdir.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;

/**
 * Where each passage of one index snapshot sits: its file, position, line and speaker by document
 * id, and the document id of each position, so a hit's neighbours are found without a query. Built
 * from doc values when the reader changes; valid for that reader only.
 */
final class PassageTable {
  private final List<String> files;
  private final boolean[] conversation;
  private final int[] fileOf;
  private final int[] ordOf;
  private final int[] lineOf;
  private final int[] speakerOf;
  private final BitSet question;
  private final List<String> speakers;
  private final int[][] docsByFile;
  private final int[] fileRank;
  private final int passages;

  private PassageTable(
      List<String> files,
      boolean[] conversation,
      int[] fileOf,
      int[] ordOf,
      int[] lineOf,
      int[] speakerOf,
      BitSet question,
      List<String> speakers,
      int[][] docsByFile,
      int passages) {
    this.files = files;
    this.conversation = conversation;
    this.fileOf = fileOf;
    this.ordOf = ordOf;
    this.lineOf = lineOf;
    this.speakerOf = speakerOf;
    this.question = question;
    this.speakers = speakers;
    this.docsByFile = docsByFile;
    this.passages = passages;
    Integer[] order = new Integer[files.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> files.get(a).compareTo(files.get(b)));
    this.fileRank = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      fileRank[order[i]] = i;
    }
  }

  static PassageTable build(DirectoryReader reader, Set<String> conversations) {
    int maxDoc = reader.maxDoc();
    int[] fileOf = new int[maxDoc];
    int[] ordOf = new int[maxDoc];
    int[] lineOf = new int[maxDoc];
    int[] speakerOf = new int[maxDoc];
    Arrays.fill(fileOf, -1);
    Arrays.fill(speakerOf, -1);
    BitSet question = new BitSet();
    Map<String, Integer> fileIds = new HashMap<>();
    List<String> files = new ArrayList<>();
    Map<String, Integer> speakerIds = new HashMap<>();
    List<String> speakers = new ArrayList<>();
    List<int[]> maxOrd = new ArrayList<>();
    int count = 0;
    try {
      for (LeafReaderContext ctx : reader.leaves()) {
        LeafReader leaf = ctx.reader();
        SortedDocValues path = leaf.getSortedDocValues(MainIndex.F_PATH);
        if (path == null) {
          continue;
        }
        NumericDocValues ord = leaf.getNumericDocValues(MainIndex.F_ORD);
        NumericDocValues line = leaf.getNumericDocValues(MainIndex.F_LINE);
        SortedDocValues speaker = leaf.getSortedDocValues(MainIndex.F_SPEAKER_KEY);
        NumericDocValues asks = leaf.getNumericDocValues(MainIndex.F_QUESTION);
        Bits live = leaf.getLiveDocs();
        for (int d = path.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = path.nextDoc()) {
          if (live != null && !live.get(d)) {
            continue;
          }
          int doc = ctx.docBase + d;
          String name = path.lookupOrd(path.ordValue()).utf8ToString();
          Integer id = fileIds.get(name);
          if (id == null) {
            id = files.size();
            fileIds.put(name, id);
            files.add(name);
            maxOrd.add(new int[] {-1});
          }
          fileOf[doc] = id;
          ordOf[doc] = ord.advanceExact(d) ? (int) ord.longValue() : 0;
          lineOf[doc] = line.advanceExact(d) ? (int) line.longValue() : 0;
          maxOrd.get(id)[0] = Math.max(maxOrd.get(id)[0], ordOf[doc]);
          if (speaker != null && speaker.advanceExact(d)) {
            String s = speaker.lookupOrd(speaker.ordValue()).utf8ToString();
            speakerOf[doc] =
                speakerIds.computeIfAbsent(
                    s,
                    k -> {
                      speakers.add(k);
                      return speakers.size() - 1;
                    });
          }
          if (asks != null && asks.advanceExact(d)) {
            question.set(doc);
          }
          count++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int[][] docsByFile = new int[files.size()][];
    boolean[] conv = new boolean[files.size()];
    for (int i = 0; i < files.size(); i++) {
      docsByFile[i] = new int[maxOrd.get(i)[0] + 1];
      Arrays.fill(docsByFile[i], -1);
      conv[i] = conversations.contains(files.get(i));
    }
    for (int doc = 0; doc < maxDoc; doc++) {
      if (fileOf[doc] >= 0) {
        docsByFile[fileOf[doc]][ordOf[doc]] = doc;
      }
    }
    return new PassageTable(
        files, conv, fileOf, ordOf, lineOf, speakerOf, question, speakers, docsByFile, count);
  }

  /** The number of live passages. */
  int passageCount() {
    return passages;
  }

  /** Whether {@code doc} is a passage. */
  boolean isPassage(int doc) {
    return doc >= 0 && doc < fileOf.length && fileOf[doc] >= 0;
  }

  /** The file of a passage, relative to the agent directory. */
  String file(int doc) {
    return files.get(fileOf[doc]);
  }

  /** The first line of a passage. */
  int line(int doc) {
    return lineOf[doc];
  }

  /** Whether a passage is a turn of a conversation log. */
  boolean inConversation(int doc) {
    return conversation[fileOf[doc]];
  }

  /** The lower-cased speaker of a passage, or null. */
  String speakerKey(int doc) {
    return speakerOf[doc] < 0 ? null : speakers.get(speakerOf[doc]);
  }

  /** Whether a passage is a conversation turn that ends with a question. */
  boolean isQuestion(int doc) {
    return question.get(doc);
  }

  /** The passage {@code delta} positions away in the same file, or -1. */
  int neighbour(int doc, int delta) {
    int[] docs = docsByFile[fileOf[doc]];
    int o = ordOf[doc] + delta;
    return o < 0 || o >= docs.length ? -1 : docs[o];
  }

  /** Orders passages by file name, then line: the tie-break of equal scores. */
  int compareByPosition(int a, int b) {
    int c = Integer.compare(fileRank[fileOf[a]], fileRank[fileOf[b]]);
    return c != 0 ? c : Integer.compare(lineOf[a], lineOf[b]);
  }
}
