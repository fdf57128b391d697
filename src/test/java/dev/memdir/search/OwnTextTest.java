package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.format.SearchSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

/** The own-text lookup in the postings gives what analysing each document's text gives. */
class OwnTextTest {
  private static final String[] WORDS = {
    "basil", "pottery", "Paris", "painting", "the", "ran", "running", "runs", "camp", "camping",
    "dog", "dogs", "a", "lake", "violin", "Melanie", "Caroline", "2023", "May", "sunrise"
  };

  @Test
  void thePostingsAgreeWithTheAnalysisOfEachText() throws IOException {
    SearchAnalyzer analyzer = new SearchAnalyzer(SearchSettings.defaults());
    for (int round = 0; round < 40; round++) {
      long seed = new Random().nextLong();
      Random r = new Random(seed);
      try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
        List<String> texts = new ArrayList<>();
        // Several segments (a commit each, never merged), some documents without the field.
        try (IndexWriter w =
            new IndexWriter(
                dir, new IndexWriterConfig(analyzer).setMergePolicy(NoMergePolicy.INSTANCE))) {
          int segments = 1 + r.nextInt(4);
          for (int s = 0; s < segments; s++) {
            int n = r.nextInt(30);
            for (int i = 0; i < n; i++) {
              Document d = new Document();
              String text = r.nextInt(6) == 0 ? null : sentence(r);
              if (text != null) {
                d.add(new Field("own", text, OwnText.TYPE));
              }
              texts.add(text);
              w.addDocument(d);
            }
            w.commit();
          }
        }
        if (texts.isEmpty()) {
          continue;
        }
        try (DirectoryReader reader = DirectoryReader.open(dir)) {
          int[] docs = new int[r.nextInt(40)];
          for (int i = 0; i < docs.length; i++) {
            docs[i] = r.nextInt(texts.size());
          }
          Set<String> terms = new HashSet<>();
          for (int i = r.nextInt(4); i >= 0; i--) {
            terms.addAll(analyzer.terms("own", WORDS[r.nextInt(WORDS.length)]));
          }
          if (r.nextBoolean()) {
            terms.add("nowhere");
          }
          BitSet says = OwnText.saying(reader, "own", docs, terms);
          for (int i = 0; i < docs.length; i++) {
            String text = texts.get(docs[i]);
            boolean expected =
                text != null && analyzer.terms("own", text).stream().anyMatch(terms::contains);
            assertThat(says.get(i))
                .as("seed %d: doc %d (%s), terms %s", seed, docs[i], text, terms)
                .isEqualTo(expected);
          }
          assertThat(says.length()).as("seed %d", seed).isLessThanOrEqualTo(docs.length);
        }
      }
    }
  }

  private static String sentence(Random r) {
    StringBuilder b = new StringBuilder();
    for (int i = 1 + r.nextInt(6); i > 0; i--) {
      b.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextBoolean() ? " " : ", ");
    }
    return b.toString();
  }
}
