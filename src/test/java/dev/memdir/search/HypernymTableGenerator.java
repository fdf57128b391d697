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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * packaging, a test dependency): for every single-word noun of at least 3 letters that is used
 * mostly as a noun ({@link #mostlyNoun}), the words of its first (most frequent) sense's hypernyms
 * and instance hypernyms up to {@link #DEPTH} levels up, without the noun itself and without a few
 * words so general that they say nothing ({@link #TOO_GENERAL}). So {@code chicago} gets {@code
 * city metropolis ... municipality ...} and {@code surfing} gets {@code water sport aquatics
 * athletics ...}, while {@code lovely} (an adjective far more often than "a lovely") gets nothing.
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
      "# WordNet 3.1 hypernyms for memdir's search (docs/SEARCH.md, \"Hypernyms\"): a noun (used"
          + " mostly as one), a tab, the words of its first sense's\n"
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
    // Sorted: memdir looks nouns up by binary search over the table's bytes.
    TreeMap<String, String> table = new TreeMap<>();
    for (Iterator<IndexWord> it = d.getIndexWordIterator(POS.NOUN); it.hasNext(); ) {
      IndexWord iw = it.next();
      String noun = iw.getLemma();
      if (noun.length() < 3 || !noun.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
        continue;
      }
      if (!mostlyNoun(d, iw)) {
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
        table.put(noun, String.join(" ", words));
      }
    }
    out.append(HEADER);
    for (Map.Entry<String, String> e : table.entrySet()) {
      out.append(e.getKey()).append('\t').append(e.getValue()).append('\n');
    }
    return table.size();
  }

  /** Tagged uses of {@code w}'s lemma over its senses (WordNet's sense counts, from SemCor). */
  static int uses(IndexWord w) {
    int n = 0;
    for (Synset s : w.getSenses()) {
      for (Word x : s.getWords()) {
        if (x.getLemma().equalsIgnoreCase(w.getLemma())) {
          n += x.getUseCount();
        }
      }
    }
    return n;
  }

  /**
   * Whether {@code noun} is used as a noun at least as often as as a verb, an adjective or an
   * adverb: a text's word is not tagged, so a word that is mostly something else ("great", "like",
   * "lovely", "see") would bring hypernyms of a sense it rarely has. Halves the hypernyms indexed
   * per conversation turn (56 to 29 on the LoCoMo dev file) at the same recall.
   */
  static boolean mostlyNoun(Dictionary d, IndexWord noun) throws JWNLException {
    int nounUses = uses(noun);
    for (POS pos : new POS[] {POS.VERB, POS.ADJECTIVE, POS.ADVERB}) {
      IndexWord other = d.getIndexWord(pos, noun.getLemma());
      if (other != null && uses(other) > nounUses) {
        return false;
      }
    }
    return true;
  }
}
