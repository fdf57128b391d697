package dev.memdir.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.FormatException;
import org.junit.jupiter.api.Test;

class FrontMatterDocumentTest {
  @Test
  void parsesFrontMatterAndBodyWithLineNumbers() {
    FrontMatterDocument d =
        FrontMatterDocument.parse("---\ndescription: About you\nlimit: 10\n---\nHello\n", "m.md");
    assertThat(d.hasFrontMatter()).isTrue();
    assertThat(d.frontMatter().string("description")).contains("About you");
    assertThat(d.frontMatter().line("limit")).isEqualTo(3);
    assertThat(d.body()).isEqualTo("Hello\n");
    assertThat(d.bodyLine()).isEqualTo(5);
  }

  @Test
  void aFileWithoutFrontMatterIsAllBody() {
    FrontMatterDocument d = FrontMatterDocument.parse("just text\n---\nmore\n", "m.md");
    assertThat(d.hasFrontMatter()).isFalse();
    assertThat(d.body()).isEqualTo("just text\n---\nmore\n");
  }

  @Test
  void unclosedFrontMatterNamesLineOne() {
    assertThatThrownBy(() -> FrontMatterDocument.parse("---\nlimit: 3\nbody\n", "memory/h.md"))
        .isInstanceOf(FormatException.class)
        .hasMessage(
            "memory/h.md:1: front matter: opened with '---' on line 1 but never closed with a '---' line");
  }

  @Test
  void brokenYamlNamesTheFileLine() {
    assertThatThrownBy(
            () ->
                FrontMatterDocument.parse(
                    "---\ndescription: ok\nlimit: [1, 2\n---\nx\n", "memory/h.md"))
        .isInstanceOf(FormatException.class)
        .hasMessageStartingWith("memory/h.md:")
        .hasMessageContaining("invalid YAML");
    FormatException e =
        (FormatException)
            catchThrowable(() -> FrontMatterDocument.parse("---\na: 1\nb: : :\n---\n", "h.md"));
    assertThat(e.line()).isEqualTo(3);
  }

  @Test
  void duplicateKeysAreRefused() {
    assertThatThrownBy(() -> FrontMatterDocument.parse("---\nlimit: 1\nlimit: 2\n---\n", "h.md"))
        .hasMessageContaining("h.md:")
        .hasMessageContaining("limit");
  }

  @Test
  void frontMatterThatIsNotAMappingIsRefused() {
    assertThatThrownBy(() -> FrontMatterDocument.parse("---\n- a\n- b\n---\nx\n", "h.md"))
        .hasMessage("h.md:2: expected a mapping of keys to values, got a list");
  }

  @Test
  void renderThenParseRoundTrips() {
    ObjectNode fm = JsonNodeFactory.instance.objectNode();
    fm.put("description", "Quotes \"and\" colons: yes");
    fm.put("limit", 42);
    fm.put("flag", "true");
    fm.putArray("tags").add("a").add("b: c");
    String text = FrontMatterDocument.render(fm, "body line\n");
    FrontMatterDocument d = FrontMatterDocument.parse(text, "x.md");
    assertThat(d.frontMatter().node()).isEqualTo(fm);
    assertThat(d.body()).isEqualTo("body line\n");
  }

  static final String HAND =
      "---\n# kept\ndescription: 'About you'   # why\n\nlimit: 100\nmetadata:\n  a: 1\n"
          + "# before colour\ncolour: red\n---\n";

  @Test
  void renderKeepsTheHeadByteForByteWhenNoKeyChanges() {
    FrontMatterDocument d = FrontMatterDocument.parse(HAND + "old\n", "m.md");
    ObjectNode fm = d.frontMatter().node();
    assertThat(FrontMatterDocument.render(d.head(), fm, fm.deepCopy(), "new\n"))
        .isEqualTo(HAND + "new\n");
  }

  @Test
  void renderRewritesOnlyTheLinesOfAChangedKeyAndAddsNewKeysAtTheEnd() {
    FrontMatterDocument d = FrontMatterDocument.parse(HAND + "old\n", "m.md");
    ObjectNode before = d.frontMatter().node();
    ObjectNode after = before.deepCopy();
    after.put("limit", 200);
    after.putObject("metadata").put("a", 2);
    after.remove("colour");
    after.put("read_only", true);
    assertThat(FrontMatterDocument.render(d.head(), before, after, "v\n"))
        .isEqualTo(
            "---\n# kept\ndescription: 'About you'   # why\n\nlimit: 200\nmetadata:\n  a: 2\n"
                + "# before colour\nread_only: true\n---\nv\n");
  }

  @Test
  void renderWritesTheFrontMatterAnewWhenAChangedKeyHeldAnAnchorAnotherUses() {
    String head = "---\nowner: &who Mira # c\neditor: *who\n---\n";
    FrontMatterDocument d = FrontMatterDocument.parse(head, "m.md");
    ObjectNode before = d.frontMatter().node();
    ObjectNode after = before.deepCopy();
    after.put("owner", "Ada");
    String text = FrontMatterDocument.render(d.head(), before, after, "v\n");
    assertThat(FrontMatterDocument.parse(text, "m.md").frontMatter().node()).isEqualTo(after);
    assertThat(text).endsWith("---\nv\n");
  }

  @Test
  void aliasesThatExpandExponentiallyAreRefused() {
    StringBuilder y = new StringBuilder("---\na0: &a0 [x, x]\n");
    for (int i = 1; i < 25; i++) {
      y.append("a").append(i).append(": &a").append(i);
      y.append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
    }
    y.append("---\nbody\n");
    assertThatThrownBy(() -> FrontMatterDocument.parse(y.toString(), "h.md"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("aliases expand to more than 100000 values");
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
