package dev.memdir.bench.locomo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memdir.FormatException;
import dev.memdir.MemdirException;
import dev.memdir.format.TextFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LoCoMo data file (the public {@code locomo10.json} or any subset in its schema), parsed with
 * every quirk LoCoMo has: sessions enumerated by their {@code session_N} lists (not the date keys),
 * captions standing in for images, numeric answers, category-5 items without an answer, and
 * malformed evidence ids. What was normalised or dropped is counted in {@link #notes()}.
 *
 * @param file the file's name for messages
 * @param sha256 the hex SHA-256 of the file's bytes
 * @param conversations in file order
 * @param notes counts of what was normalised or dropped, by description, in a stable order
 */
public record LocomoData(
    String file, String sha256, List<Conversation> conversations, Map<String, Integer> notes) {

  /** The largest data file read (the public file is 2.8 MB). */
  public static final long MAX_BYTES = 256L << 20;

  /** Copies. */
  public LocomoData {
    conversations = List.copyOf(conversations);
    notes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(notes));
  }

  /**
   * One turn of a conversation.
   *
   * @param diaId {@code D<session>:<turn>}
   * @param speaker who said it
   * @param text what was said
   * @param caption the image caption ({@code blip_caption}) when the turn shared an image
   */
  public record Turn(String diaId, String speaker, String text, Optional<String> caption) {}

  /**
   * One session.
   *
   * @param number N of {@code session_N}
   * @param dateText the date as the data writes it, e.g. {@code 9:15 am on 3 March, 2024}
   * @param date the parsed date, when it parses
   * @param turns in order
   */
  public record Session(
      int number, String dateText, Optional<LocalDateTime> date, List<Turn> turns) {
    /** Copies. */
    public Session {
      turns = List.copyOf(turns);
    }
  }

  /**
   * One question.
   *
   * @param sampleId the conversation
   * @param index the position in the conversation's {@code qa} list, from 0
   * @param question the question
   * @param answer the gold answer as the official scorer sees it ({@code str()} of the value); for
   *     category 5 without {@code answer}, the {@code adversarial_answer}
   * @param category 1 to 5
   * @param evidence the raw evidence strings, exactly as in the data
   * @param normalizedEvidence evidence split, unpadded and resolved to existing turns
   */
  public record Question(
      String sampleId,
      int index,
      String question,
      String answer,
      int category,
      List<String> evidence,
      List<String> normalizedEvidence) {
    /** Copies. */
    public Question {
      evidence = List.copyOf(evidence);
      normalizedEvidence = List.copyOf(normalizedEvidence);
    }
  }

  /**
   * One conversation with its questions.
   *
   * @param sampleId e.g. {@code conv-26}
   * @param speakerA the first speaker
   * @param speakerB the second speaker
   * @param sessions by session number
   * @param questions in data order
   */
  public record Conversation(
      String sampleId,
      String speakerA,
      String speakerB,
      List<Session> sessions,
      List<Question> questions) {
    /** Copies. */
    public Conversation {
      sessions = List.copyOf(sessions);
      questions = List.copyOf(questions);
    }

    /** The number of turns over all sessions. */
    public int turnCount() {
      return sessions.stream().mapToInt(s -> s.turns().size()).sum();
    }
  }

  private static final Pattern SESSION_KEY = Pattern.compile("session_(\\d+)");
  private static final Pattern DIA_ID = Pattern.compile("D(\\d+):(\\d+)");
  private static final Pattern EVIDENCE_SPLIT = Pattern.compile("[;\\s]+");
  private static final DateTimeFormatter DATE =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .appendPattern("h:mm a 'on' d MMMM, yyyy")
          .toFormatter(Locale.ENGLISH);

  /** The number of questions over all conversations. */
  public int questionCount() {
    return conversations.stream().mapToInt(c -> c.questions().size()).sum();
  }

  /** Reads and parses a data file. */
  public static LocomoData read(Path path) {
    // The path as the user gave it, so that the message points at the file they meant.
    String name = path.toString();
    byte[] bytes = TextFiles.readBytes(path, name, MAX_BYTES);
    return parse(bytes, name);
  }

  /**
   * Parses the bytes of a data file.
   *
   * @throws FormatException naming the file, the conversation and the key that is wrong
   */
  public static LocomoData parse(byte[] bytes, String file) {
    // The checksum is for the run folder's manifest: worked out beside the parsing.
    java.util.concurrent.CompletableFuture<String> sha256 =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> TextFiles.sha256(bytes));
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new FormatException(
          file,
          dev.memdir.format.JsonErrors.line(e),
          "invalid JSON (truncated or damaged download?) at "
              + dev.memdir.format.JsonErrors.reason(e));
    } catch (IOException e) {
      throw new MemdirException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new FormatException(
          file, 0, "expected a JSON list of conversations, got " + kind(root));
    }
    Map<String, Integer> notes = new LinkedHashMap<>();
    for (String key :
        List.of(
            "date keys without a session",
            "turns with an image caption",
            "numeric answers converted with str()",
            "category 5 questions without 'answer'",
            "questions without evidence",
            "evidence strings split into several ids",
            "evidence ids with zero padding removed",
            "evidence ids dropped: malformed",
            "evidence ids dropped: no such turn")) {
      notes.put(key, 0);
    }
    List<Conversation> conversations = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      Conversation c = conversation(root.get(i), i, file, notes);
      if (!ids.add(c.sampleId())) {
        throw new FormatException(
            file, 0, "conversation " + i + ": duplicate sample_id '" + c.sampleId() + "'");
      }
      conversations.add(c);
    }
    if (conversations.isEmpty()) {
      throw new FormatException(file, 0, "holds no conversations");
    }
    return new LocomoData(file, sha256.join(), conversations, notes);
  }

  private static Conversation conversation(
      JsonNode c, int i, String file, Map<String, Integer> notes) {
    String where = "conversation " + i;
    if (c == null || !c.isObject()) {
      throw new FormatException(file, 0, where + ": expected an object, got " + kind(c));
    }
    String sampleId = text(c, "sample_id", file, where);
    where = sampleId;
    JsonNode conv = c.get("conversation");
    if (conv == null || !conv.isObject()) {
      throw new FormatException(
          file, 0, where + ": 'conversation' must be an object, got " + kind(conv));
    }
    String a = text(conv, "speaker_a", file, where);
    String b = text(conv, "speaker_b", file, where);
    TreeMap<Integer, JsonNode> sessionLists = new TreeMap<>();
    int dateKeys = 0;
    for (Iterator<String> it = conv.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      Matcher m = SESSION_KEY.matcher(key);
      if (m.matches()) {
        JsonNode list = conv.get(key);
        if (!list.isArray()) {
          throw new FormatException(
              file, 0, where + ": '" + key + "' must be a list of turns, got " + kind(list));
        }
        sessionLists.put(Integer.parseInt(m.group(1)), list);
      } else if (key.matches("session_\\d+_date_time")) {
        dateKeys++;
      }
    }
    if (sessionLists.isEmpty()) {
      throw new FormatException(
          file, 0, where + ": no sessions (no 'session_N' lists in 'conversation')");
    }
    notes.merge(
        "date keys without a session", Math.max(0, dateKeys - sessionLists.size()), Integer::sum);
    List<Session> sessions = new ArrayList<>();
    Set<String> turnIds = new HashSet<>();
    for (Map.Entry<Integer, JsonNode> e : sessionLists.entrySet()) {
      int n = e.getKey();
      JsonNode dateNode = conv.get("session_" + n + "_date_time");
      String dateText = dateNode != null && dateNode.isTextual() ? dateNode.textValue() : "";
      Optional<LocalDateTime> date = Optional.empty();
      try {
        date =
            dateText.isEmpty()
                ? Optional.empty()
                : Optional.of(LocalDateTime.parse(dateText.strip(), DATE));
      } catch (DateTimeParseException ex) {
        notes.merge("session dates that do not parse", 1, Integer::sum);
      }
      List<Turn> turns = new ArrayList<>();
      int t = 0;
      for (JsonNode turn : e.getValue()) {
        String tw = where + " session_" + n + " turn " + t++;
        if (!turn.isObject()) {
          throw new FormatException(file, 0, tw + ": expected an object, got " + kind(turn));
        }
        String diaId = text(turn, "dia_id", file, tw);
        Optional<String> caption =
            Optional.ofNullable(turn.get("blip_caption"))
                .filter(JsonNode::isTextual)
                .map(JsonNode::textValue);
        caption.ifPresent(x -> notes.merge("turns with an image caption", 1, Integer::sum));
        turns.add(
            new Turn(
                diaId, text(turn, "speaker", file, tw), text(turn, "text", file, tw), caption));
        turnIds.add(diaId);
      }
      sessions.add(new Session(n, dateText, date, turns));
    }
    JsonNode qa = c.get("qa");
    if (qa == null || !qa.isArray()) {
      throw new FormatException(
          file, 0, where + ": 'qa' must be a list of questions, got " + kind(qa));
    }
    List<Question> questions = new ArrayList<>();
    for (int q = 0; q < qa.size(); q++) {
      questions.add(question(qa.get(q), sampleId, q, turnIds, file, notes));
    }
    return new Conversation(sampleId, a, b, sessions, questions);
  }

  private static Question question(
      JsonNode q,
      String sampleId,
      int index,
      Set<String> turnIds,
      String file,
      Map<String, Integer> notes) {
    String where = sampleId + " qa[" + index + "]";
    if (q == null || !q.isObject()) {
      throw new FormatException(file, 0, where + ": expected an object, got " + kind(q));
    }
    JsonNode cat = q.get("category");
    if (cat == null || !cat.isIntegralNumber()) {
      throw new FormatException(
          file, 0, where + ": 'category' must be an integer, got " + kind(cat));
    }
    int category = cat.intValue();
    if (category < 1 || category > 5) {
      throw new FormatException(
          file, 0, where + ": unknown category " + category + " (known: 1 to 5)");
    }
    String question = text(q, "question", file, where);
    JsonNode answer = q.get("answer");
    String gold;
    if (answer != null && !answer.isNull()) {
      if (answer.isNumber()) {
        notes.merge("numeric answers converted with str()", 1, Integer::sum);
      }
      gold = pyStr(answer);
    } else if (category == 5) {
      notes.merge("category 5 questions without 'answer'", 1, Integer::sum);
      JsonNode adv = q.get("adversarial_answer");
      gold = adv == null || adv.isNull() ? "" : pyStr(adv);
    } else {
      throw new FormatException(
          file, 0, where + ": category " + category + " question without 'answer'");
    }
    JsonNode ev = q.get("evidence");
    List<String> raw = new ArrayList<>();
    if (ev != null && !ev.isNull()) {
      if (!ev.isArray()) {
        throw new FormatException(
            file, 0, where + ": 'evidence' must be a list of dia_ids, got " + kind(ev));
      }
      for (JsonNode e : ev) {
        if (!e.isTextual()) {
          throw new FormatException(file, 0, where + ": evidence must be text, got " + kind(e));
        }
        raw.add(e.textValue());
      }
    }
    if (raw.isEmpty()) {
      notes.merge("questions without evidence", 1, Integer::sum);
    }
    return new Question(
        sampleId, index, question, gold, category, raw, normalizeEvidence(raw, turnIds, notes));
  }

  /**
   * Splits on {@code [;\s]+}, strips zero padding, drops ids that are malformed or name no turn.
   */
  static List<String> normalizeEvidence(
      List<String> raw, Set<String> turnIds, Map<String, Integer> notes) {
    List<String> out = new ArrayList<>();
    for (String r : raw) {
      String[] parts = EVIDENCE_SPLIT.split(r.strip());
      if (parts.length > 1) {
        notes.merge("evidence strings split into several ids", 1, Integer::sum);
      }
      for (String p : parts) {
        if (p.isEmpty()) {
          continue;
        }
        Matcher m = DIA_ID.matcher(p);
        if (!m.matches()) {
          notes.merge("evidence ids dropped: malformed", 1, Integer::sum);
          continue;
        }
        String id = "D" + Integer.parseInt(m.group(1)) + ":" + Integer.parseInt(m.group(2));
        if (!id.equals(p)) {
          notes.merge("evidence ids with zero padding removed", 1, Integer::sum);
        }
        if (!turnIds.contains(id)) {
          notes.merge("evidence ids dropped: no such turn", 1, Integer::sum);
          continue;
        }
        if (!out.contains(id)) {
          out.add(id);
        }
      }
    }
    return out;
  }

  /** Python's {@code str()} of a JSON scalar, as the official scorer applies it to answers. */
  static String pyStr(JsonNode v) {
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue().toString();
    }
    if (v.isNumber()) {
      // Python prints whole floats as "3.0"; others Java prints alike for ordinary magnitudes.
      double d = v.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 1e16 ? (long) d + ".0" : Double.toString(d);
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? "True" : "False";
    }
    return v.toString();
  }

  private static String text(JsonNode node, String key, String file, String where) {
    JsonNode v = node.get(key);
    if (v == null || !v.isTextual()) {
      throw new FormatException(file, 0, where + ": '" + key + "' must be text, got " + kind(v));
    }
    return v.textValue();
  }

  private static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isNull()) {
      return "null";
    }
    return v.isArray()
        ? "a list"
        : v.isObject() ? "an object" : v.isTextual() ? "text" : v.toString();
  }
}
