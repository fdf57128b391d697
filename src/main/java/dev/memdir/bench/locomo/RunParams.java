package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.format.SearchSettings;
import dev.memdir.search.Feedback;
import java.util.List;
import java.util.Objects;

/**
 * Every parameter of a retrieval run; a run directory is resumed only with the same ones.
 *
 * @param layout where the turns go (and so which tool retrieves them: {@code search_files} for
 *     files and both, {@code conversation_search} for history)
 * @param ks the cut-offs; each list is a prefix of one ranking
 * @param search the search settings written into every agent's agent.yaml
 * @param speakerPolicy whether the query policy passes the named speaker to the tool
 * @param dropNames whether the query policy removes the speakers' names from the query
 * @param dropFrameWords whether the query policy removes the question's frame words ({@link
 *     QueryPolicy#FRAME_WORDS})
 */
record RunParams(
    LocomoIngest.Layout layout,
    List<Integer> ks,
    SearchSettings search,
    boolean speakerPolicy,
    boolean dropNames,
    boolean dropFrameWords,
    Feedback feedback) {

  /** With the feedback of {@link #benchFeedback}. */
  RunParams(
      LocomoIngest.Layout layout,
      List<Integer> ks,
      SearchSettings search,
      boolean speakerPolicy,
      boolean dropNames,
      boolean dropFrameWords) {
    this(layout, ks, search, speakerPolicy, dropNames, dropFrameWords, benchFeedback());
  }

  /**
   * The feedback of a run: {@link Feedback#OFF} unless the system property {@code
   * memdir.bench.feedback} gives {@code docs,terms,weight}.
   */
  static double benchSession() {
    return Double.parseDouble(System.getProperty("memdir.bench.session", "0"));
  }

  static Feedback benchFeedback() {
    String v = System.getProperty("memdir.bench.feedback", "").strip();
    if (v.isEmpty()) {
      return Feedback.OFF;
    }
    String[] p = v.split(",");
    if (p.length != 3) {
      throw new IllegalArgumentException(
          "memdir.bench.feedback must be docs,terms,weight (like 3,10,0.4), got " + v);
    }
    return new Feedback(
        Integer.parseInt(p[0].strip()),
        Integer.parseInt(p[1].strip()),
        Double.parseDouble(p[2].strip()));
  }

  /** The cut-offs of the LoCoMo paper's retrieval table. */
  static final List<Integer> DEFAULT_KS = List.of(5, 10, 25, 50);

  RunParams {
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(search, "search");
    Objects.requireNonNull(feedback, "feedback");
    ks = List.copyOf(ks);
    if (ks.isEmpty() || ks.stream().anyMatch(k -> k < 1 || k > 100)) {
      throw new IllegalArgumentException("k values must be 1 to 100, got " + ks);
    }
    for (int i = 1; i < ks.size(); i++) {
      if (ks.get(i) <= ks.get(i - 1)) {
        throw new IllegalArgumentException("k values must increase, got " + ks);
      }
    }
  }

  /**
   * The search settings of a LoCoMo run: the agent defaults with BM25 b = 0.4, neighbours at 0.8 of
   * their hit's score ("soft neighbours"), turns that ask a question at 0.75 of their score and a
   * speaker gate of 0.7, chosen by recall@10 on the dev file (benchmarks/RESULTS.md has the
   * sweeps). Retrieval never reads answers or evidence.
   */
  static SearchSettings benchSearch() {
    SearchSettings d = SearchSettings.defaults();
    return d.withBm25(d.k1(), 0.4)
        .withNeighbourWeight(0.8)
        .withQuestionWeight(0.75)
        .withSpeaker(d.speakerBoost(), 0.7);
  }

  /** The defaults: files layout, k = 5, 10, 25, 50, {@link #benchSearch}, full query policy. */
  static RunParams defaults() {
    return new RunParams(
        LocomoIngest.Layout.FILES, DEFAULT_KS, benchSearch(), true, true, true, benchFeedback());
  }

  int maxK() {
    return ks.get(ks.size() - 1);
  }

  /** The parameters as JSON, for the manifest and the report. */
  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("mode", "retrieval");
    o.put("layout", layout.word());
    o.put("tool", layout == LocomoIngest.Layout.HISTORY ? "conversation_search" : "search_files");
    ks.forEach(o.putArray("ks")::add);
    ObjectNode s = o.putObject("search");
    s.put("k1", search.k1());
    s.put("b", search.b());
    s.put("stemmer", SearchSettings.word(search.stemmer()));
    s.put("stop_words", SearchSettings.word(search.stopWords()));
    s.put("window", search.window());
    s.put("neighbours", search.neighbours());
    s.put("neighbour_weight", search.neighbourWeight());
    s.put("reply_weight", search.replyWeight());
    s.put("question_weight", search.questionWeight());
    s.put("hypernym_weight", search.hypernymWeight());
    s.put("speaker_boost", search.speakerBoost());
    s.put("speaker_gate", search.speakerGate());
    ObjectNode f = s.putObject("feedback");
    f.put("docs", feedback.docs());
    f.put("terms", feedback.terms());
    f.put("weight", feedback.weight());
    s.put("session_weight", benchSession());
    s.put("hop_slots", Integer.getInteger("memdir.bench.hop", 0));
    ObjectNode p = o.putObject("query_policy");
    p.put("speaker", speakerPolicy);
    p.put("drop_speaker_names", dropNames);
    p.put("drop_frame_words", dropFrameWords);
    return o;
  }
}
