package dev.memdir.bench.locomo;

import dev.memdir.MemdirException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The prompts that ask LoCoMo's questions, read from files beside this class (named and hashed in
 * every manifest), and the way LoCoMo's own code ({@code task_eval/evaluate_gpts.py}) turns a
 * question into what the model sees: category 2 gets {@code " Use DATE of CONVERSATION to answer
 * with an approximate date."}; category 5 becomes a choice between {@code "Not mentioned in the
 * conversation"} and the adversarial answer, in an order LoCoMo draws at random and this harness
 * draws from the question's id (so reruns ask the same), and a reply naming a letter is mapped back
 * to the option's text.
 */
final class AnswerPrompts {
  /** The prompt of an agent turn: {speaker_a}, {speaker_b}, {question}. */
  static final String AGENT = "agent-question.txt";

  /** LoCoMo's CONV_START_PROMPT: {speaker_a}, {speaker_b}. */
  static final String CONTEXT_START = "context-start.txt";

  /** LoCoMo's QA_PROMPT: {question}. */
  static final String CONTEXT_QUESTION = "context-question.txt";

  /** LoCoMo's QA_PROMPT_CAT_5: {question}. */
  static final String CONTEXT_QUESTION_CAT5 = "context-question-cat5.txt";

  static final String NOT_MENTIONED = "Not mentioned in the conversation";

  private AnswerPrompts() {}

  /**
   * A question as asked.
   *
   * @param text the question with LoCoMo's category suffix
   * @param optionA for category 5, option (a); otherwise empty
   * @param optionB for category 5, option (b); otherwise empty
   */
  record Asked(String text, String optionA, String optionB) {
    boolean isChoice() {
      return !optionA.isEmpty();
    }

    /** LoCoMo's {@code get_cat_5_answer}: a bare letter becomes its option; else the reply. */
    String prediction(String reply) {
      String p = OfficialF1.pyStrip(reply).toLowerCase(Locale.ROOT);
      if (!isChoice()) {
        return OfficialF1.pyStrip(reply);
      }
      if (p.length() == 1) {
        return p.contains("a") ? optionA : optionB;
      }
      if (p.length() == 3) {
        return p.contains("(a)") ? optionA : optionB;
      }
      return p;
    }
  }

  /** The question as LoCoMo's code asks it. */
  static Asked ask(LocomoData.Question q) {
    if (q.category() == 2) {
      return new Asked(
          q.question() + " Use DATE of CONVERSATION to answer with an approximate date.", "", "");
    }
    if (q.category() == 5) {
      boolean notMentionedFirst = coin(q.sampleId() + ":" + q.index());
      String a = notMentionedFirst ? NOT_MENTIONED : q.answer();
      String b = notMentionedFirst ? q.answer() : NOT_MENTIONED;
      return new Asked(
          q.question() + " Select the correct answer: (a) " + a + " (b) " + b + ". ", a, b);
    }
    return new Asked(q.question(), "", "");
  }

  /** A fair coin drawn from {@code id}: the same every run. */
  static boolean coin(String id) {
    return (sha256(id.getBytes(StandardCharsets.UTF_8))[0] & 1) == 0;
  }

  /** The text of a prompt file. */
  static String text(String name) {
    try (InputStream in = AnswerPrompts.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new MemdirException("the prompt " + name + " is missing from the memdir jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MemdirException("cannot read the prompt " + name + ": " + e.getMessage(), e);
    }
  }

  /** Name to sha256 of each prompt file given, for the manifest. */
  static Map<String, String> hashes(String... names) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String n : names) {
      m.put(n, HexFormat.of().formatHex(sha256(text(n).getBytes(StandardCharsets.UTF_8))));
    }
    return m;
  }

  /** {@code template} with each {key} replaced, in one pass (a value is never read again). */
  static String fill(String template, Map<String, String> values) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        break;
      }
      int close = template.indexOf('}', open);
      String key = close < 0 ? null : template.substring(open + 1, close);
      if (key != null && values.containsKey(key)) {
        sb.append(template, i, open).append(values.get(key));
        i = close + 1;
      } else {
        sb.append(template, i, open + 1);
        i = open + 1;
      }
    }
    return sb.append(template.substring(i)).toString();
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
