package dev.memdir.bench.locomo;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Turns one LoCoMo conversation into an agent directory: one conversation-log file per session
 * under {@code files/} (Letta-Filesystem style), core-memory blocks that name the two speakers,
 * and the exact map from each passage ({@code file:line}) back to its dia_id.
 *
 * <p>Files are written without an fsync each and synced once at the end, as a bulk import should.
 */
final class LocomoIngest {
  private LocomoIngest() {}

  /**
   * Where each turn went.
   *
   * @param sampleId the conversation
   * @param passages {@code <file relative to files/>:<line>} to dia_id
   */
  record DiaMap(String sampleId, Map<String, String> passages) {
    DiaMap {
      passages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(passages));
    }

    /** The dia_id of the turn on {@code line} of {@code file}, if that line is a turn. */
    Optional<String> diaId(String file, int line) {
      return Optional.ofNullable(passages.get(file + ":" + line));
    }
  }

  /** Writes the agent for {@code c} into {@code dir} (which must not exist) and returns its map. */
  static DiaMap ingest(LocomoData.Conversation c, Path dir) {
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
    List<Path> written = new ArrayList<>();
    Map<String, String> map = new LinkedHashMap<>();
    try (Agent agent = Agent.init(dir, options)) {
      Path files = agent.layout().filesDir();
      for (LocomoData.Session s : c.sessions()) {
        ConversationLogWriter.Log log = ConversationLogWriter.write(c, s);
        Path file = files.resolve(log.fileName());
        Files.writeString(file, log.text(), StandardCharsets.UTF_8);
        written.add(file);
        for (int i = 0; i < log.diaIds().size(); i++) {
          map.put(log.fileName() + ":" + (log.firstTurnLine() + i), log.diaIds().get(i));
        }
      }
      syncAll(written, files);
    } catch (IOException e) {
      throw new MemdirException("cannot write " + dir + ": " + e.getMessage(), e);
    }
    return new DiaMap(c.sampleId(), map);
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
      throw new MemdirException("cannot delete the interrupted ingest in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void syncAll(List<Path> files, Path dir) throws IOException {
    for (Path f : files) {
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
    AtomicFiles.fsyncDirectory(dir);
  }
}
