package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LiteralsTest {
  @Test
  void aPatternWithoutOperatorsIsItsOwnLiteral() {
    assertThat(Literals.whole("lake house")).contains("lake house");
    assertThat(Literals.whole("foo\\.bar")).contains("foo.bar");
    assertThat(Literals.whole("foo.bar")).isEmpty();
    assertThat(Literals.whole("\\d+")).isEmpty();
    assertThat(Literals.whole("a|b")).isEmpty();
  }

  @Test
  void theRequiredLiteralIsTheLongestRunEveryMatchContains() {
    assertThat(Literals.required("lucene-\\w+")).contains("lucene-");
    assertThat(Literals.required("ab*cdef")).contains("cdef");
    assertThat(Literals.required("abc+de")).contains("abc");
    assertThat(Literals.required("x(abc)?defg")).contains("defg");
    assertThat(Literals.required("[abc]+hello[xyz]")).contains("hello");
    assertThat(Literals.required("(a+)+$")).isEmpty();
    assertThat(Literals.required("foo|bar")).isEmpty();
    assertThat(Literals.required("(?i)hello")).isEmpty();
    assertThat(Literals.required("hel{0,1}loo")).contains("loo");
  }

  @Test
  void foldingKeepsPositionsAndJoinsCaseVariants() {
    assertThat(Literals.fold("HeLLo")).isEqualTo("hello");
    assertThat(Literals.fold("\u212A")).isEqualTo("k"); // Kelvin sign
    assertThat(Literals.fold("\u017F")).isEqualTo("s"); // long s
    assertThat(Literals.fold("İstanbul")).hasSize("İstanbul".length());
  }

  /** The shortcut never changes which lines match: compare with RE2J on every line. */
  @Test
  void grepsShortcutFindsExactlyTheLinesRe2jFinds() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    String[] atoms = {"a", "b", "ab", "ba", ".", "a*", "b+", "(ab)?", "[ab]", "\\.", "x", "A", "K"};
    try {
      for (int round = 0; round < 500; round++) {
        StringBuilder p = new StringBuilder();
        int n = 1 + rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
          p.append(atoms[rnd.nextInt(atoms.length)]);
        }
        boolean fold = rnd.nextBoolean();
        String pattern = p.toString();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
          text.append("abxAK.\u212A\n".charAt(rnd.nextInt(8)));
        }
        String t = text.toString();
        Pattern re = Pattern.compile(pattern, fold ? Pattern.CASE_INSENSITIVE : 0);
        StringBuilder expected = new StringBuilder();
        String[] lines = t.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
          if (i == lines.length - 1 && lines[i].isEmpty()) {
            break;
          }
          if (re.matcher(lines[i]).find()) {
            expected.append(i + 1).append(',');
          }
        }
        Grep.Compiled c = Grep.compile(pattern, fold);
        String actual = GrepTest.lineNumbers(c, t);
        assertThat(actual)
            .as("pattern %s fold %s text %s required %s", pattern, fold, t, c.required())
            .isEqualTo(expected.toString());
      }
    } catch (AssertionError e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
    }
  }
}
