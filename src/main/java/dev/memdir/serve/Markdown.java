package dev.memdir.serve;

import com.vladsch.flexmark.html.AttributeProvider;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.html.IndependentAttributeProviderFactory;
import com.vladsch.flexmark.html.renderer.AttributablePart;
import com.vladsch.flexmark.html.renderer.LinkResolverContext;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.data.MutableDataSet;
import com.vladsch.flexmark.util.html.MutableAttributes;
import java.util.Locale;

/**
 * Markdown to sanitised HTML with flexmark-java: raw HTML in the text is escaped, never passed
 * through, and a link or image whose URL is not http(s), mailto, a fragment or relative is dropped,
 * so a block or fact cannot run script in the web view.
 */
final class Markdown {
  /** The most characters rendered; longer text is cut (and says so). */
  static final int MAX_CHARS = 200_000;

  private static final Parser PARSER;
  private static final HtmlRenderer RENDERER;

  static {
    MutableDataSet options = new MutableDataSet();
    options.set(HtmlRenderer.ESCAPE_HTML, true);
    options.set(HtmlRenderer.SOFT_BREAK, "<br>\n");
    PARSER = Parser.builder(options).build();
    RENDERER =
        HtmlRenderer.builder(options)
            .attributeProviderFactory(
                new IndependentAttributeProviderFactory() {
                  @Override
                  public AttributeProvider apply(LinkResolverContext context) {
                    return Markdown::safeUrls;
                  }
                })
            .build();
  }

  private Markdown() {}

  static String html(String markdown) {
    String text =
        markdown.length() > MAX_CHARS
            ? markdown.substring(0, MAX_CHARS) + "\n\n(cut at " + MAX_CHARS + " characters)"
            : markdown;
    return RENDERER.render(PARSER.parse(text));
  }

  private static void safeUrls(Node node, AttributablePart part, MutableAttributes attributes) {
    for (String name : new String[] {"href", "src"}) {
      String v = attributes.getValue(name);
      if (v != null && !v.isEmpty() && !safe(v)) {
        attributes.remove(name);
      }
    }
  }

  static boolean safe(String url) {
    String u = url.strip().toLowerCase(Locale.ROOT);
    int colon = u.indexOf(':');
    int slash = u.indexOf('/');
    boolean hasScheme = colon >= 0 && (slash < 0 || colon < slash);
    return !hasScheme || u.startsWith("http:") || u.startsWith("https:") || u.startsWith("mailto:");
  }
}
