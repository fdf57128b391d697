package dev.memdir.bench.locomo;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deterministic stand-in for the LLM in retrieval mode: it decides how to call {@code
 * search_files} for a question, the way a model would. It never sees answers or evidence.
 *
 * <ul>
 *   <li><b>speaker</b>: when the question names exactly one of the two speakers (as a whole word,
 *       possessive included), that person is passed as {@code speaker}, since in LoCoMo the person
 *       a question is about is nearly always the one who said the answer;
 *   <li><b>query</b>: the question with both speakers' first names removed (they match everywhere
 *       in their own turns and so only add noise), and its frame words ({@link #FRAME_WORDS}: "how
 *       <i>many</i>", "what <i>kind</i> of", "in what <i>ways</i>", "is it <i>likely</i>", "has she
 *       <i>mentioned</i>"), which say what shape the answer has, not what it is about, or point at
 *       the conversation itself, and match turns through unrelated uses ("so many", "kind of you",
 *       "by the way"); a model would not search for them either. The question as it is when nothing
 *       else would remain.
 * </ul>
 */
public final class QueryPolicy {
  private QueryPolicy() {}

  /**
   * How to call the search tool.
   *
   * @param query the query text
   * @param speaker the person to prefer, if the question names exactly one
   */
  public record Query(String query, Optional<String> speaker) {}

  /**
   * Words that frame a question rather than name its subject, removed from the query (whole words,
   * any case). Chosen on the dev file (benchmarks/RESULTS.md, "Question frame words").
   */
  public static final List<String> FRAME_WORDS =
      List.of(
          "kind",
          "kinds",
          "sort",
          "sorts",
          "many",
          "much",
          "thing",
          "things",
          "way",
          "ways",
          "likely",
          "mention",
          "mentions",
          "mentioned",
          "mentioning");

  private static final Pattern FRAME =
      Pattern.compile(
          "(?i)(?<![\\p{L}\\p{N}])(?:" + String.join("|", FRAME_WORDS) + ")(?![\\p{L}\\p{N}])");

  /** The query for {@code question} in a conversation between {@code a} and {@code b}. */
  public static Query of(String question, String a, String b) {
    return of(question, a, b, true, true, true);
  }

  /**
   * The query with parts of the policy switched off (for measuring what each part is worth).
   *
   * @param useSpeaker pass the one named speaker as {@code speaker}
   * @param dropNames remove the speakers' names from the query text
   * @param dropFrameWords remove the {@link #FRAME_WORDS} from the query text
   */
  public static Query of(
      String question,
      String a,
      String b,
      boolean useSpeaker,
      boolean dropNames,
      boolean dropFrameWords) {
    boolean namesA = names(question, a);
    boolean namesB = names(question, b);
    Optional<String> speaker =
        !useSpeaker || namesA == namesB ? Optional.empty() : Optional.of(namesA ? a : b);
    String q = dropNames ? remove(remove(question, a), b) : question;
    if (dropFrameWords) {
      q = FRAME.matcher(q).replaceAll(" ");
    }
    q = q.replaceAll("\\s+", " ").strip();
    if (!q.matches(".*[\\p{L}\\p{N}].*")) {
      q = question;
    }
    return new Query(q, speaker);
  }

  private static Pattern nameWord(String name) {
    return Pattern.compile(
        "(?<![\\p{L}\\p{N}])" + Pattern.quote(name) + "(?:'s|’s)?(?![\\p{L}\\p{N}])");
  }

  static boolean names(String question, String name) {
    return !name.isBlank() && nameWord(name).matcher(question).find();
  }

  private static String remove(String question, String name) {
    if (name.isBlank()) {
      return question;
    }
    Matcher m = nameWord(name).matcher(question);
    return m.replaceAll(" ");
  }
}
