package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.format.SearchSettings;
import org.junit.jupiter.api.Test;

class SearchAnalyzerTest {
  @Test
  void splitsOnNonAlphanumericsLowerCasesDropsStopWordsAndStems() {
    SearchAnalyzer a = new SearchAnalyzer(SearchSettings.defaults());
    assertThat(a.terms("f", "Nadia's friends didn't go camping on 8 May, 2023!"))
        .containsExactly("nadia", "friend", "go", "camp", "8", "mai", "2023");
  }

  @Test
  void theEnglishListIsFullerThanLucenes() {
    SearchAnalyzer ours = new SearchAnalyzer(SearchSettings.defaults());
    SearchAnalyzer lucene =
        new SearchAnalyzer(
            SearchSettings.defaults()
                .withAnalysis(SearchSettings.Stemmer.PORTER, SearchSettings.StopWords.LUCENE));
    assertThat(ours.terms("f", "what did she do after")).isEmpty();
    assertThat(lucene.terms("f", "what did she do after"))
        .containsExactly("what", "did", "she", "do", "after");
    assertThat(SearchAnalyzer.englishStopWordCount()).isEqualTo(150);
  }

  @Test
  void stemmingAndStopWordsCanBeTurnedOff() {
    SearchAnalyzer none =
        new SearchAnalyzer(
            SearchSettings.defaults()
                .withAnalysis(SearchSettings.Stemmer.NONE, SearchSettings.StopWords.NONE));
    assertThat(none.terms("f", "The Painting")).containsExactly("the", "painting");
  }
}
