package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PorterStemmerTest {
  @Test
  void stemsLikeNltksExtensionsMode() {
    String[][] cases = {
      {"caresses", "caress"},
      {"ponies", "poni"},
      {"ties", "tie"},
      {"dies", "die"},
      {"flies", "fli"},
      {"spied", "spi"},
      {"died", "die"},
      {"agreed", "agre"},
      {"feed", "feed"},
      {"plastered", "plaster"},
      {"motoring", "motor"},
      {"sing", "sing"},
      {"hopping", "hop"},
      {"falling", "fall"},
      {"filing", "file"},
      {"happy", "happi"},
      {"enjoy", "enjoy"},
      {"sky", "sky"},
      {"skies", "sky"},
      {"dying", "die"},
      {"news", "news"},
      {"relational", "relat"},
      {"generalization", "gener"},
      {"radically", "radic"},
      {"geology", "geolog"},
      {"controlling", "control"},
      {"is", "is"},
      {"a", "a"},
      {"self-care", "self-car"},
      {"running", "run"},
      {"painting", "paint"},
      {"caroline", "carolin"},
    };
    for (String[] c : cases) {
      assertThat(PorterStemmer.stem(c[0])).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void countsAstralCharactersAsOneLikePython() {
    // "😀s" has two code points: Python leaves words of length <= 2 alone.
    assertThat(PorterStemmer.stem("😀s")).isEqualTo("😀s");
    assertThat(PorterStemmer.stem("cats😀")).isEqualTo("cats😀");
  }

  @Test
  void matchesNltkOnEveryTokenOfTheParityFile() throws Exception {
    Path tsv = SharedData.require("derived/porter_stems_nltk.tsv");
    List<String> mismatches = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
      if (line.startsWith("#") || line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\t", -1);
      n++;
      String got = PorterStemmer.stem(parts[0]);
      if (!got.equals(parts[1])) {
        mismatches.add(parts[0] + " -> " + got + " (nltk: " + parts[1] + ")");
      }
    }
    assertThat(n).isEqualTo(2307);
    assertThat(mismatches).isEmpty();
  }
}
