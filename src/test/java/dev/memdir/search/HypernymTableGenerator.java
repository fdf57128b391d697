package dev.memdir.search;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Pointer;
import net.sf.extjwnl.data.PointerType;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.data.Word;
import net.sf.extjwnl.dictionary.Dictionary;

/**
 * Writes {@code src/main/resources/dev/memdir/search/hypernyms.tsv} from WordNet 3.1 (extjwnl's
 * packaging, a test dependency): for every single-word noun of at least 3 letters, the words of its
 * first (most frequent) sense's hypernyms and instance hypernyms up to {@link #DEPTH} levels up,
 * without the noun itself and without a few words so general that they say nothing ({@link
 * #TOO_GENERAL}). So {@code chicago} gets {@code city metropolis ... municipality ...} and {@code
 * surfing} gets {@code water sport aquatics athletics ...}.
 *
 * <p>Run it after changing the rules: {@code java -cp target/test-classes:target/classes:CP
 * dev.memdir.search.HypernymTableGenerator src/main/resources/dev/memdir/search/hypernyms.tsv}.
 * {@code HypernymsTest} fails when the committed table is not what this writes.
 */
public final class HypernymTableGenerator {
  private HypernymTableGenerator() {}

  /** Levels of hypernyms walked up from a noun's first sense. */
  static final int DEPTH = 3;

  /** Hypernym words left out: near the top of WordNet's tree, true of nearly everything. */
  static final Set<String> TOO_GENERAL =
      Set.of(
          "entity",
          "physical",
          "object",
          "abstraction",
          "whole",
          "unit",
          "thing",
          "matter",
          "psychological",
          "feature",
          "attribute",
          "group",
          "grouping",
          "relation",
          "measure",
          "quantity",
          "amount");

  static final String HEADER =
      "# WordNet 3.1 hypernyms for memdir's search (docs/SEARCH.md, \"Hypernyms\"): a noun, a tab,"
          + " the words of its first sense's\n"
          + "# hypernyms up to "
          + DEPTH
          + " levels. Written by dev.memdir.search.HypernymTableGenerator; licence:"
          + " WORDNET-LICENSE.txt.\n";

  public static void main(String[] args) throws IOException, JWNLException {
    Path out =
        Path.of(args.length > 0 ? args[0] : "src/main/resources/dev/memdir/search/hypernyms.tsv");
    try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      int n = write(w);
      System.out.println(n + " nouns written to " + out);
    }
  }

  /** Writes the table to {@code out}; returns the number of nouns in it. */
  static int write(Appendable out) throws IOException, JWNLException {
    Dictionary d = Dictionary.getDefaultResourceInstance();
    out.append(HEADER);
    int n = 0;
    for (Iterator<IndexWord> it = d.getIndexWordIterator(POS.NOUN); it.hasNext(); ) {
      IndexWord iw = it.next();
      String noun = iw.getLemma();
      if (noun.length() < 3 || !noun.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
        continue;
      }
      Set<String> words = new LinkedHashSet<>();
      List<Synset> level = List.of(iw.getSenses().get(0));
      for (int depth = 0; depth < DEPTH && !level.isEmpty(); depth++) {
        List<Synset> next = new ArrayList<>();
        for (Synset s : level) {
          for (Pointer p : s.getPointers()) {
            if (p.getType() != PointerType.HYPERNYM
                && p.getType() != PointerType.INSTANCE_HYPERNYM) {
              continue;
            }
            Synset up = p.getTargetSynset();
            next.add(up);
            for (Word x : up.getWords()) {
              for (String t : x.getLemma().toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                if (t.length() > 2 && !TOO_GENERAL.contains(t) && !t.equals(noun)) {
                  words.add(t);
                }
              }
            }
          }
        }
        level = next;
      }
      if (!words.isEmpty()) {
        out.append(noun).append('\t').append(String.join(" ", words)).append('\n');
        n++;
      }
    }
    return n;
  }
}
