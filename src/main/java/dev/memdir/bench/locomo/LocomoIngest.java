package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Durability;
import dev.memdir.format.SearchSettings;
import dev.memdir.format.WriteLock;
import dev.memdir.history.HistoryLog;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Turns one LoCoMo conversation into an agent directory: one conversation-log file per session
 * under {@code files/} (Letta-Filesystem style), core-memory blocks that name the two speakers, and
 * the exact map from each passage ({@code file:line}) back to its dia_id.
 *
 * <p>Turns are written without an fsync each (history with durability {@code never}, synced once at
 * the end): a benchmark agent is rebuilt from the data, and a run records the size of every file it
 * wrote ({@link #fingerprint}) so a resumed run redoes an ingest whose files did not survive.
 */
final class LocomoIngest {
  private LocomoIngest() {}

  /** Where the turns go: conversation-log files, history records, or both. */
  enum Layout {
    FILES,
    HISTORY,
    BOTH;

    /** The word used on the command line. */
    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Where each turn went.
   *
   * @param sampleId the conversation
   * @param passages {@code <file relative to files/>:<line>} to dia_id
   * @param records history record id to dia_id
   */
  record DiaMap(String sampleId, Map<String, String> passages, Map<String, String> records) {
    DiaMap {
      passages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(passages));
      records = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(records));
    }

    /** The dia_id of the turn on {@code line} of {@code file}, if that line is a turn. */
    Optional<String> diaId(String file, int line) {
      return Optional.ofNullable(passages.get(file + ":" + line));
    }

    /** The dia_id of a history record, if it is a turn. */
    Optional<String> diaIdOfRecord(String id) {
      return Optional.ofNullable(records.get(id));
    }
  }

  /**
   * Writes the agent for {@code c} into {@code dir} (which must not exist) and returns its map.
   * History records carry their session's time (plus one second per turn, to keep order) and are
   * appended with durability {@code never}, then synced once.
   */
  static DiaMap ingest(LocomoData.Conversation c, Path dir, Layout layout) {
    return ingest(c, dir, layout, SearchSettings.defaults());
  }

  /** Ingests with {@code search} settings written into the agent's agent.yaml. */
  static DiaMap ingest(LocomoData.Conversation c, Path dir, Layout layout, SearchSettings search) {
    InitOptions options =
        new InitOptions(
            Optional.of(c.sampleId()),
            Optional.of(
                "I am a memory assistant for the conversation between "
                    + c.speakerA()
                    + " and "
                    + c.speakerB()
                    + ". The sessions are in files/, one file per session, named by date. I search"
                    + " them before I answer."),
            Optional.of(
                "The two people in this conversation are "
                    + c.speakerA()
                    + " and "
                    + c.speakerB()
                    + "."),
            "openai/gpt-4o-mini");
    Map<String, String> map = new LinkedHashMap<>();
    Map<String, String> records = new LinkedHashMap<>();
    try (Agent created = Agent.init(dir, options)) {
      AtomicFiles.write(created.layout().agentYaml(), created.config().withSearch(search).toYaml());
    }
    try (Agent agent = Agent.open(dir)) {
      if (layout != Layout.FILES) {
        appendHistory(c, agent, records);
      }
      Path files = agent.layout().filesDir();
      for (LocomoData.Session s :
          layout == Layout.HISTORY ? List.<LocomoData.Session>of() : c.sessions()) {
        ConversationLogWriter.Log log = ConversationLogWriter.write(c, s);
        Path file = files.resolve(log.fileName());
        Files.writeString(file, log.text(), StandardCharsets.UTF_8);
        // The file's time is its session's: meaningful to a person, and it keeps the index's
        // freshness check from treating files written moments before indexing as racy.
        Instant when =
            s.date().map(d -> d.toInstant(ZoneOffset.UTC)).orElse(Instant.now().minusSeconds(60));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(when));
        for (int i = 0; i < log.diaIds().size(); i++) {
          map.put(log.fileName() + ":" + (log.firstTurnLine() + i), log.diaIds().get(i));
        }
      }
    } catch (IOException e) {
      throw new MemdirException("cannot write " + dir + ": " + e.getMessage(), e);
    }
    return new DiaMap(c.sampleId(), map, records);
  }

  private static void appendHistory(
      LocomoData.Conversation c, Agent agent, Map<String, String> records) {
    try (HistoryLog log =
        HistoryLog.open(
            agent.layout(),
            Durability.NEVER,
            WriteLock.of(agent.layout(), WriteLock.DEFAULT_WAIT),
            Clock.systemUTC())) {
      Instant previous = Instant.EPOCH;
      for (LocomoData.Session s : c.sessions()) {
        Instant start = s.date().map(d -> d.toInstant(ZoneOffset.UTC)).orElse(previous);
        for (int i = 0; i < s.turns().size(); i++) {
          LocomoData.Turn t = s.turns().get(i);
          // The words as content and the speaker as the message's name (as OpenAI's user
          // messages name a participant), like a conversation log's turn and its speaker.
          String text =
              ConversationLogWriter.oneLine(t.text())
                  + t.caption()
                      .map(cap -> " [image: " + ConversationLogWriter.oneLine(cap) + "]")
                      .orElse("");
          Instant ts = start.plusSeconds(i);
          Record r =
              log.append(
                  Message.user(text).with("name", JsonNodeFactory.instance.textNode(t.speaker())),
                  ts);
          records.put(r.id(), t.diaId());
          previous = ts.plusSeconds(1);
        }
      }
      log.sync();
    }
  }

  /** Deletes a half-written agent directory before it is ingested again. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new MemdirException(
          "cannot delete the interrupted ingest in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The size of every file under {@code files/} and {@code history/}, by relative path. */
  static Map<String, Long> fingerprint(Path dir) {
    Map<String, Long> sizes = new java.util.TreeMap<>();
    for (String sub : new String[] {"files", "history"}) {
      Path root = dir.resolve(sub);
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
          sizes.put(dir.relativize(p).toString().replace('\\', '/'), Files.size(p));
        }
      } catch (IOException e) {
        throw new MemdirException("cannot list " + root + ": " + e.getMessage(), e);
      }
    }
    return sizes;
  }
}
