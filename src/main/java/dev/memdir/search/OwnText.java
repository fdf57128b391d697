package dev.memdir.search;

import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BytesRef;

/**
 * A passage's or record's own words, apart from the neighbours' words its searched field also
 * holds: indexed as a field of its own (which documents hold a term, nothing else), so the
 * ranking's "own text" rule ({@link Search#OWN_TEXT_MISS}) looks the query's terms up in the
 * postings instead of analysing each candidate's text again at every search (a fifth of the CPU of
 * a LoCoMo retrieval run went there).
 */
final class OwnText {
  /**
   * Indexed, tokenised by the index's analyser, documents only: no frequencies, positions, norms.
   */
  static final FieldType TYPE = type();

  private OwnText() {}

  private static FieldType type() {
    FieldType t = new FieldType();
    t.setIndexOptions(IndexOptions.DOCS);
    t.setTokenized(true);
    t.setOmitNorms(true);
    t.setStored(false);
    t.freeze();
    return t;
  }

  /**
   * Which of {@code docs} hold any of {@code terms} in {@code field}.
   *
   * @param reader the reader the documents' numbers are of
   * @param field the own-text field
   * @param docs document numbers, in any order, repeats allowed
   * @param terms analysed terms
   * @return bit {@code i} set when {@code docs[i]} holds one of the terms
   */
  static BitSet saying(IndexReader reader, String field, int[] docs, Collection<String> terms)
      throws IOException {
    BitSet says = new BitSet(docs.length);
    if (docs.length == 0 || terms.isEmpty()) {
      return says;
    }
    // Positions in docs, in document order: each leaf's postings are then read forwards once.
    Integer[] byDoc = new Integer[docs.length];
    for (int i = 0; i < docs.length; i++) {
      byDoc[i] = i;
    }
    Arrays.sort(byDoc, (a, b) -> Integer.compare(docs[a], docs[b]));
    List<LeafReaderContext> leaves = reader.leaves();
    int from = 0;
    while (from < byDoc.length) {
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(docs[byDoc[from]], leaves));
      int end = leaf.docBase + leaf.reader().maxDoc();
      int to = from;
      while (to < byDoc.length && docs[byDoc[to]] < end) {
        to++;
      }
      Terms t = leaf.reader().terms(field);
      if (t != null) {
        TermsEnum te = t.iterator();
        for (String term : terms) {
          if (!te.seekExact(new BytesRef(term))) {
            continue;
          }
          PostingsEnum pe = te.postings(null, PostingsEnum.NONE);
          for (int j = from; j < to; j++) {
            int i = byDoc[j];
            int target = docs[i] - leaf.docBase;
            if (says.get(i)) {
              continue;
            }
            int at = pe.docID() >= target ? pe.docID() : pe.advance(target);
            if (at == DocIdSetIterator.NO_MORE_DOCS) {
              break;
            }
            if (at == target) {
              says.set(i);
            }
          }
        }
      }
      from = to;
    }
    return says;
  }
}
