package dev.memdir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.ToolException;
import org.junit.jupiter.api.Test;

class GlobTest {
  @Test
  void aPatternWithoutSlashMatchesFileNamesInAnyFolder() {
    Glob g = Glob.compile("*.md");
    assertThat(g.matches("notes.md")).isTrue();
    assertThat(g.matches("a/b/notes.md")).isTrue();
    assertThat(g.matches("notes.txt")).isFalse();
    assertThat(g.matches("notes.md.bak")).isFalse();
  }

  @Test
  void aPatternWithSlashMatchesTheWholePath() {
    assertThat(Glob.compile("notes/*.md").matches("notes/a.md")).isTrue();
    assertThat(Glob.compile("notes/*.md").matches("notes/x/a.md")).isFalse();
    assertThat(Glob.compile("notes/**").matches("notes/x/a.md")).isTrue();
    assertThat(Glob.compile("**/a.md").matches("a.md")).isTrue();
    assertThat(Glob.compile("**/a.md").matches("x/y/a.md")).isTrue();
    assertThat(Glob.compile("files/notes/*.md").matches("notes/a.md")).isTrue();
  }

  @Test
  void bracesClassesAndQuestionMarksWork() {
    Glob g = Glob.compile("session-0?_*.{md,txt}");
    assertThat(g.matches("session-01_2023.md")).isTrue();
    assertThat(g.matches("session-01_2023.txt")).isTrue();
    assertThat(g.matches("session-10_2023.md")).isFalse();
    assertThat(Glob.compile("[ab]*.md").matches("b1.md")).isTrue();
    assertThat(Glob.compile("[!ab]*.md").matches("b1.md")).isFalse();
    assertThat(Glob.compile("a+b(c).md").matches("a+b(c).md")).isTrue();
  }

  @Test
  void malformedOrHugePatternsAreRefused() {
    assertThatThrownBy(() -> Glob.compile("[abc"))
        .isInstanceOf(ToolException.class)
        .hasMessage("include '[abc' has a '[' without a closing ']'");
    assertThatThrownBy(() -> Glob.compile("{a,b"))
        .hasMessage("include '{a,b' has a '{' without a closing '}'");
    assertThatThrownBy(() -> Glob.compile("a}")).hasMessage("include 'a}' has a '}' without a '{'");
    assertThatThrownBy(() -> Glob.compile("*".repeat(300)))
        .hasMessage("include is 300 chars; at most 256");
  }

  @Test
  void manyStarsMatchInLinearTime() {
    Glob g = Glob.compile("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
    assertThat(g.matches("a".repeat(250))).isFalse();
  }
}
