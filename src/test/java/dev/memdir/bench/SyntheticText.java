package dev.memdir.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Random;

/**
 * Made-up English-like text for benchmarks: pseudo-words drawn with a Zipf distribution, so term
 * frequencies look like a real conversation's without copying any real text.
 */
public final class SyntheticText {
  private static final String[] SYLLABLES = {
    "ka", "lo", "mi", "ren", "sa", "to", "vel", "an", "dor", "pi", "ru", "ste", "mon", "ga", "li",
    "bra", "en", "ol", "tis", "cor", "na", "fe", "ul", "dri", "wen", "ha", "zo", "mer", "qui", "by"
  };
  private static final String[] FUNCTION = {
    "the", "a", "and", "I", "to", "was", "it", "we", "you", "of", "in", "that", "my", "so", "but"
  };

  private final Random random;
  private final String[] words;
  private final double[] cumulative;

  /** A generator with a vocabulary of {@code size} words. */
  public SyntheticText(long seed, int size) {
    this.random = new Random(seed);
    this.words = new String[size];
    Random wr = new Random(seed ^ 0x5DEECE66DL);
    for (int i = 0; i < size; i++) {
      StringBuilder w = new StringBuilder();
      int syll = 1 + wr.nextInt(3);
      for (int j = 0; j < syll; j++) {
        w.append(SYLLABLES[wr.nextInt(SYLLABLES.length)]);
      }
      words[i] = w.toString() + (i % 7 == 0 ? "s" : "");
    }
    cumulative = new double[size];
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += 1.0 / Math.pow(i + 1, 1.07);
      cumulative[i] = sum;
    }
    for (int i = 0; i < size; i++) {
      cumulative[i] /= sum;
    }
  }

  /** A word by Zipf rank. */
  public String word() {
    double u = random.nextDouble();
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return words[lo];
  }

  /** The word of a given rank, 0 the most frequent. */
  public String wordOfRank(int rank) {
    return words[rank];
  }

  /** A sentence of {@code min} to {@code max} words, mixing in function words. */
  public String sentence(int min, int max) {
    int n = min + random.nextInt(max - min + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(random.nextInt(3) == 0 ? FUNCTION[random.nextInt(FUNCTION.length)] : word());
    }
    sb.setCharAt(0, Character.toUpperCase(sb.charAt(0)));
    return sb.append('.').toString();
  }

  /** A query of 2 to 5 words of middling frequency, as a question would name things. */
  public String query() {
    int n = 2 + random.nextInt(4);
    StringBuilder sb = new StringBuilder("what did");
    for (int i = 0; i < n; i++) {
      sb.append(' ').append(words[20 + random.nextInt(3_000)]);
    }
    return sb.toString();
  }

  /** Writes {@code files} conversation logs of {@code turns} turns each under {@code dir}. */
  public void writeConversations(Path dir, int files, int turns) throws IOException {
    Files.createDirectories(dir);
    LocalDate date = LocalDate.of(2023, 1, 1);
    for (int f = 0; f < files; f++) {
      LocalDate d = date.plusDays(3L * f);
      StringBuilder sb = new StringBuilder();
      sb.append("---\nkind: conversation\nsession: ")
          .append(f + 1)
          .append("\ndate: ")
          .append(d)
          .append("\nparticipants: [Ann, Bob]\n---\n");
      for (int t = 0; t < turns; t++) {
        sb.append(t % 2 == 0 ? "Ann: " : "Bob: ").append(sentence(6, 24)).append('\n');
      }
      String name = String.format(Locale.ROOT, "session-%03d_%s.md", f + 1, d);
      Files.writeString(dir.resolve(name), sb.toString(), StandardCharsets.UTF_8);
    }
  }
}
