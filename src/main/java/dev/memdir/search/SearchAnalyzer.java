package dev.memdir.search;

import dev.memdir.format.SearchSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.util.CharTokenizer;
import org.apache.lucene.util.IOUtils;

/**
 * The analysis of documents and queries: split on anything that is not a letter or digit,
 * lower-case, drop stop words, stem. Lucene's {@code EnglishAnalyzer} keeps a 33-word stop list and
 * splits on fewer characters; a fuller list matched a lexical prototype on LoCoMo better (see
 * docs/SEARCH.md).
 */
final class SearchAnalyzer extends Analyzer {
  private static final CharArraySet ENGLISH = englishStopWords();

  private final SearchSettings.Stemmer stemmer;
  private final CharArraySet stopWords;
  private final String signature;

  SearchAnalyzer(SearchSettings settings) {
    this.stemmer = settings.stemmer();
    this.signature = settings.stemmer() + " " + settings.stopWords();
    this.stopWords =
        switch (settings.stopWords()) {
          case ENGLISH -> ENGLISH;
          case LUCENE -> EnglishAnalyzer.ENGLISH_STOP_WORDS_SET;
          case NONE -> CharArraySet.EMPTY_SET;
        };
  }

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    Tokenizer source = CharTokenizer.fromTokenCharPredicate(Character::isLetterOrDigit);
    TokenStream ts = new LowerCaseFilter(source);
    if (!stopWords.isEmpty()) {
      ts = new StopFilter(ts, stopWords);
    }
    if (stemmer == SearchSettings.Stemmer.PORTER) {
      ts = new PorterStemFilter(ts);
    }
    return new TokenStreamComponents(source, ts);
  }

  @Override
  protected TokenStream normalize(String fieldName, TokenStream in) {
    return new LowerCaseFilter(in);
  }

  /** What decides this analyzer's terms: the stemmer and the stop-word list. */
  String signature() {
    return signature;
  }

  /** The terms of {@code text}, in order, repeats kept. */
  List<String> terms(String field, String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException("analysis of a string cannot fail", e);
    }
    return out;
  }

  /**
   * Snowball's English stop list, plus the pieces its contractions fall into when split on the
   * apostrophe ("don't" gives "don" and "t"), which would otherwise match everywhere.
   */
  private static CharArraySet englishStopWords() {
    try (Reader r =
        IOUtils.getDecodingReader(
            SnowballFilter.class, "english_stop.txt", StandardCharsets.UTF_8)) {
      CharArraySet snowball = WordlistLoader.getSnowballWordSet(r);
      CharArraySet all = new CharArraySet(snowball.size() * 2, false);
      for (Object o : snowball) {
        String w = new String((char[]) o);
        for (String part : w.split("'")) {
          if (!part.isEmpty() && !part.equals("let")) {
            all.add(part);
          }
        }
      }
      for (String w : new String[] {"s", "t", "d", "ll", "m", "re", "ve", "can", "will", "just"}) {
        all.add(w);
      }
      return CharArraySet.unmodifiableSet(all);
    } catch (IOException e) {
      throw new UncheckedIOException("Lucene's english_stop.txt is missing from the classpath", e);
    }
  }

  /** The stop words of the {@code english} list, for documentation and tests. */
  static int englishStopWordCount() {
    return ENGLISH.size();
  }
}
