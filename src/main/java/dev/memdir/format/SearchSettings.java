package dev.memdir.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.ConfigException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How the agent's search index analyses text and ranks results: the {@code search} mapping of
 * agent.yaml, every key optional.
 *
 * <pre>
 * search:
 *   k1: 1.2                 # BM25 term-frequency saturation
 *   b: 0.75                 # BM25 length normalisation, 0 to 1
 *   stemmer: porter         # porter | none
 *   stop_words: english     # english (Snowball's list) | lucene (33 words) | none
 *   passage: paragraph      # paragraph | line: the passages of files that are not conversation logs
 *   passage_lines: 40       # a paragraph passage is cut after this many lines
 *   window: 1               # a conversation turn is indexed with this many turns either side
 *   neighbours: 1           # a hit in a conversation log brings this many turns either side
 *   neighbour_weight: 1.0   # a neighbour's score, as a fraction of its hit's score
 *   reply_weight: 1.0       # the same for the turn after a turn that asks a question
 *   question_weight: 1.0    # score factor for a turn that asks a question (rarely the answer)
 *   speaker_boost: 1.5      # score factor for turns spoken by the person search_files names
 *   speaker_gate: 0.8       # boost only if that person's best turn scores >= gate x the others' best
 *   hypernym_weight: 0.5    # weight of a match through a WordNet hypernym (Chicago: city); 0 = off
 *   max_open_files: 5       # open_files keeps at most this many windows
 * </pre>
 *
 * <p>Changing {@code stemmer}, {@code stop_words}, {@code passage}, {@code passage_lines}, {@code
 * window} or {@code hypernym_weight} between 0 and another value rebuilds the index on the next
 * search; the other keys apply at query time.
 *
 * @param k1 BM25 k1, from 0 to 10
 * @param b BM25 b, from 0 to 1
 * @param stemmer how words are reduced to stems
 * @param stopWords which common words are dropped
 * @param passage how files other than conversation logs are cut into passages
 * @param passageLines the most lines in one paragraph passage, 1 to 1000
 * @param window turns on either side indexed with each conversation turn, 0 to 5
 * @param neighbours turns on either side a conversation hit brings, 0 to 5
 * @param neighbourWeight a neighbour's score as a fraction of its hit's, 0 to 1
 * @param replyWeight the score of the turn after a hit that ends with a question (its likely
 *     answer), as a fraction of the hit's, 0 to 1; it takes the place of {@code neighbourWeight}
 *     for that one neighbour
 * @param questionWeight score factor for a conversation turn (or history record) that ends with a
 *     question, 0 to 1: a question is seldom what a search is after, its answer is
 * @param speakerBoost score factor for turns by the named speaker, 1 to 10
 * @param speakerGate the speaker boost applies only when the named speaker's best turn scores at
 *     least this fraction of the best turn by anyone else, 0 to 1
 * @param maxOpenFiles the most file windows kept open, 1 to 50
 * @param hypernymWeight the weight of the query's words found among the WordNet hypernyms of a
 *     passage's nouns (a query word found in the passage itself weighs 1), 0 to 5; 0 leaves
 *     hypernyms out of the index
 */
public record SearchSettings(
    double k1,
    double b,
    Stemmer stemmer,
    StopWords stopWords,
    PassageUnit passage,
    int passageLines,
    int window,
    int neighbours,
    double neighbourWeight,
    double replyWeight,
    double questionWeight,
    double speakerBoost,
    double speakerGate,
    int maxOpenFiles,
    double hypernymWeight) {

  /** How words are reduced to stems. */
  public enum Stemmer {
    /** The original Porter algorithm. */
    PORTER,
    /** Words are kept whole. */
    NONE
  }

  /** Which common words are dropped from documents and queries. */
  public enum StopWords {
    /** Snowball's English list with its contractions split at the apostrophe: 150 words. */
    ENGLISH,
    /** Lucene's EnglishAnalyzer list (33 words). */
    LUCENE,
    /** No word is dropped. */
    NONE
  }

  /** How files that are not conversation logs are cut into passages. */
  public enum PassageUnit {
    /** A run of non-blank lines, cut after {@code passage_lines} lines or 4,000 chars. */
    PARAGRAPH,
    /** Every non-blank line. */
    LINE
  }

  private static final String FILE = "agent.yaml";
  private static final String KEY = "search";

  /** Validates the values. */
  public SearchSettings {
    Objects.requireNonNull(stemmer, "stemmer");
    Objects.requireNonNull(stopWords, "stopWords");
    Objects.requireNonNull(passage, "passage");
    check("k1", k1, 0, 10);
    check("b", b, 0, 1);
    check("passage_lines", passageLines, 1, 1000);
    check("window", window, 0, 5);
    check("neighbours", neighbours, 0, 5);
    check("neighbour_weight", neighbourWeight, 0, 1);
    check("reply_weight", replyWeight, 0, 1);
    check("question_weight", questionWeight, 0, 1);
    check("speaker_boost", speakerBoost, 1, 10);
    check("speaker_gate", speakerGate, 0, 1);
    check("max_open_files", maxOpenFiles, 1, 50);
    check("hypernym_weight", hypernymWeight, 0, 5);
  }

  /** The settings used when agent.yaml has no {@code search} mapping. */
  public static SearchSettings defaults() {
    return new SearchSettings(
        1.2,
        0.75,
        Stemmer.PORTER,
        StopWords.ENGLISH,
        PassageUnit.PARAGRAPH,
        40,
        1,
        1,
        1.0,
        1.0,
        1.0,
        1.5,
        0.8,
        5,
        0.5);
  }

  /**
   * The settings that change what is indexed, as one line; the index is rebuilt when it differs
   * from the line the index was built with.
   */
  public String analysisSignature() {
    return "stemmer="
        + word(stemmer)
        + " stop_words="
        + word(stopWords)
        + " passage="
        + word(passage)
        + " passage_lines="
        + passageLines
        + " window="
        + window
        + " hypernyms="
        + (hypernyms() ? "on" : "off");
  }

  /** Whether passages are indexed with their nouns' hypernyms ({@code hypernym_weight} > 0). */
  public boolean hypernyms() {
    return hypernymWeight > 0;
  }

  /** This with another hypernym weight. */
  public SearchSettings withHypernymWeight(double newWeight) {
    return with(s -> s.hypernymWeight = newWeight);
  }

  /** This with other BM25 parameters. */
  public SearchSettings withBm25(double newK1, double newB) {
    return with(s -> s.k1 = newK1, s -> s.b = newB);
  }

  /** This with another conversation window and neighbour count. */
  public SearchSettings withWindow(int newWindow, int newNeighbours) {
    return with(s -> s.window = newWindow, s -> s.neighbours = newNeighbours);
  }

  /** This with at most {@code lines} lines in a paragraph passage. */
  public SearchSettings withPassageLines(int lines) {
    return with(s -> s.passageLines = lines);
  }

  /** This with another passage unit. */
  public SearchSettings withPassage(PassageUnit newPassage) {
    return with(s -> s.passage = newPassage);
  }

  /** This with other analysis choices. */
  public SearchSettings withAnalysis(Stemmer newStemmer, StopWords newStopWords) {
    return with(s -> s.stemmer = newStemmer, s -> s.stopWords = newStopWords);
  }

  /** This with another speaker boost and gate. */
  public SearchSettings withSpeaker(double newBoost, double newGate) {
    return with(s -> s.speakerBoost = newBoost, s -> s.speakerGate = newGate);
  }

  /** This with another neighbour weight. */
  public SearchSettings withNeighbourWeight(double newWeight) {
    return with(s -> s.neighbourWeight = newWeight);
  }

  /** This with another reply weight. */
  public SearchSettings withReplyWeight(double newWeight) {
    return with(s -> s.replyWeight = newWeight);
  }

  /** This with another question weight. */
  public SearchSettings withQuestionWeight(double newWeight) {
    return with(s -> s.questionWeight = newWeight);
  }

  /** This with another limit on open file windows. */
  public SearchSettings withMaxOpenFiles(int newMax) {
    return with(s -> s.maxOpenFiles = newMax);
  }

  /** A copy of this with {@code changes} applied; the constructor validates the result. */
  @SafeVarargs
  private SearchSettings with(Consumer<Builder>... changes) {
    Builder s = new Builder(this);
    for (Consumer<Builder> change : changes) {
      change.accept(s);
    }
    return s.build();
  }

  /** The components as mutable fields, so that a change names only what it changes. */
  private static final class Builder {
    double k1;
    double b;
    Stemmer stemmer;
    StopWords stopWords;
    PassageUnit passage;
    int passageLines;
    int window;
    int neighbours;
    double neighbourWeight;
    double replyWeight;
    double questionWeight;
    double speakerBoost;
    double speakerGate;
    int maxOpenFiles;
    double hypernymWeight;

    Builder(SearchSettings from) {
      k1 = from.k1;
      b = from.b;
      stemmer = from.stemmer;
      stopWords = from.stopWords;
      passage = from.passage;
      passageLines = from.passageLines;
      window = from.window;
      neighbours = from.neighbours;
      neighbourWeight = from.neighbourWeight;
      replyWeight = from.replyWeight;
      questionWeight = from.questionWeight;
      speakerBoost = from.speakerBoost;
      speakerGate = from.speakerGate;
      maxOpenFiles = from.maxOpenFiles;
      hypernymWeight = from.hypernymWeight;
    }

    SearchSettings build() {
      return new SearchSettings(
          k1,
          b,
          stemmer,
          stopWords,
          passage,
          passageLines,
          window,
          neighbours,
          neighbourWeight,
          replyWeight,
          questionWeight,
          speakerBoost,
          speakerGate,
          maxOpenFiles,
          hypernymWeight);
    }
  }

  /**
   * Reads the {@code search} mapping of agent.yaml.
   *
   * @param warnings receives a warning for each unknown key, which is kept in {@code unknown}
   * @param unknown receives unknown keys, to be written back as they were
   * @throws ConfigException naming the line of the first wrong value
   */
  static SearchSettings parse(YamlMap y, List<Problem> warnings, ObjectNode unknown) {
    ObjectNode node = y.object(KEY).orElse(JsonNodeFactory.instance.objectNode());
    Builder s = new Builder(defaults());
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode v = e.getValue();
      int line = y.line(KEY, key);
      switch (key) {
        case "k1" -> s.k1 = number(v, key, line, 0, 10);
        case "b" -> s.b = number(v, key, line, 0, 1);
        case "stemmer" -> s.stemmer = choice(Stemmer.class, v, key, line);
        case "stop_words" -> s.stopWords = choice(StopWords.class, v, key, line);
        case "passage" -> s.passage = choice(PassageUnit.class, v, key, line);
        case "passage_lines" -> s.passageLines = integer(v, key, line, 1, 1000);
        case "window" -> s.window = integer(v, key, line, 0, 5);
        case "neighbours" -> s.neighbours = integer(v, key, line, 0, 5);
        case "neighbour_weight" -> s.neighbourWeight = number(v, key, line, 0, 1);
        case "reply_weight" -> s.replyWeight = number(v, key, line, 0, 1);
        case "question_weight" -> s.questionWeight = number(v, key, line, 0, 1);
        case "speaker_boost" -> s.speakerBoost = number(v, key, line, 1, 10);
        case "speaker_gate" -> s.speakerGate = number(v, key, line, 0, 1);
        case "max_open_files" -> s.maxOpenFiles = integer(v, key, line, 1, 50);
        case "hypernym_weight" -> s.hypernymWeight = number(v, key, line, 0, 5);
        default -> {
          warnings.add(
              Problem.warning(FILE, line, "unknown key 'search." + key + "' (kept as is)"));
          unknown.set(key, v.deepCopy());
        }
      }
    }
    return s.build();
  }

  /** The keys whose values differ from the defaults, in the documented order. */
  ObjectNode toNode() {
    SearchSettings d = defaults();
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    if (k1 != d.k1) {
      n.put("k1", k1);
    }
    if (b != d.b) {
      n.put("b", b);
    }
    if (stemmer != d.stemmer) {
      n.put("stemmer", word(stemmer));
    }
    if (stopWords != d.stopWords) {
      n.put("stop_words", word(stopWords));
    }
    if (passage != d.passage) {
      n.put("passage", word(passage));
    }
    if (passageLines != d.passageLines) {
      n.put("passage_lines", passageLines);
    }
    if (window != d.window) {
      n.put("window", window);
    }
    if (neighbours != d.neighbours) {
      n.put("neighbours", neighbours);
    }
    if (neighbourWeight != d.neighbourWeight) {
      n.put("neighbour_weight", neighbourWeight);
    }
    if (replyWeight != d.replyWeight) {
      n.put("reply_weight", replyWeight);
    }
    if (questionWeight != d.questionWeight) {
      n.put("question_weight", questionWeight);
    }
    if (speakerBoost != d.speakerBoost) {
      n.put("speaker_boost", speakerBoost);
    }
    if (speakerGate != d.speakerGate) {
      n.put("speaker_gate", speakerGate);
    }
    if (hypernymWeight != d.hypernymWeight) {
      n.put("hypernym_weight", hypernymWeight);
    }
    if (maxOpenFiles != d.maxOpenFiles) {
      n.put("max_open_files", maxOpenFiles);
    }
    return n;
  }

  /** The agent.yaml word of an enum constant. */
  public static String word(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static double number(JsonNode v, String key, int line, double min, double max) {
    if (!v.isNumber()
        || !Double.isFinite(v.doubleValue())
        || v.doubleValue() < min
        || v.doubleValue() > max) {
      throw new ConfigException(
          FILE,
          line,
          "'search."
              + key
              + "' must be a number from "
              + fmt(min)
              + " to "
              + fmt(max)
              + ", got "
              + YamlMap.describe(v));
    }
    return v.doubleValue();
  }

  private static int integer(JsonNode v, String key, int line, int min, int max) {
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
      throw new ConfigException(
          FILE,
          line,
          "'search."
              + key
              + "' must be an integer from "
              + min
              + " to "
              + max
              + ", got "
              + YamlMap.describe(v));
    }
    return v.intValue();
  }

  private static <E extends Enum<E>> E choice(Class<E> type, JsonNode v, String key, int line) {
    E[] all = type.getEnumConstants();
    if (v.isTextual()) {
      for (E e : all) {
        if (word(e).equals(v.textValue())) {
          return e;
        }
      }
    }
    StringBuilder words = new StringBuilder();
    for (E e : all) {
      words.append(words.length() == 0 ? "" : " | ").append(word(e));
    }
    throw new ConfigException(
        FILE, line, "'search." + key + "' must be " + words + ", got " + YamlMap.describe(v));
  }

  private static void check(String key, double v, double min, double max) {
    if (!(v >= min && v <= max)) {
      throw new IllegalArgumentException(
          "search." + key + " must be from " + fmt(min) + " to " + fmt(max) + ", got " + v);
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
