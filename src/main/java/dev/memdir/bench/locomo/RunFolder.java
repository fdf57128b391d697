package dev.memdir.bench.locomo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.MemdirException;
import dev.memdir.Version;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.TextFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/** What every kind of LoCoMo run does with its folder: the manifest, results.jsonl, resuming. */
final class RunFolder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunFolder() {}

  /**
   * Writes {@code manifest} into {@code out}, or, when a manifest is there, checks that it is a run
   * on the same data with the same {@code params} (else refuses, showing both).
   */
  static void checkManifest(Path out, ObjectNode manifest, String sha256, PrintWriter progress) {
    Path file = out.resolve("manifest.json");
    if (!Files.exists(file)) {
      AtomicFiles.write(file, pretty(manifest));
      return;
    }
    JsonNode old;
    try {
      old = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new MemdirException(
          file + ": cannot read the manifest of the earlier run: " + e.getMessage(), e);
    }
    if (!old.path("data").path("sha256").asText().equals(sha256)) {
      throw new MemdirException(
          out
              + " holds a run on another data file (sha256 "
              + old.path("data").path("sha256").asText()
              + ", this one "
              + sha256
              + "); use another --out");
    }
    if (!old.path("params").equals(manifest.get("params"))) {
      throw new MemdirException(
          out
              + " holds a run with other parameters:\n  earlier: "
              + old.path("params")
              + "\n  now:     "
              + manifest.get("params")
              + "\nuse another --out, or the same parameters to resume");
    }
    progress.println("resuming the run in " + out);
    String before = built(old);
    String now = built(manifest);
    if (!before.equals(now)) {
      // Not an error (a rebuild of the same code is harmless), but the report mixes two builds.
      progress.println(
          "note: the earlier part of this run was made by "
              + before
              + ", this part by "
              + now
              + "; results.jsonl holds the questions of both");
    }
  }

  private static String built(JsonNode manifest) {
    String commit = manifest.path("memdir_commit").asText("unknown");
    return "memdir "
        + manifest.path("memdir_version").asText("unknown")
        + " (commit "
        + commit
        + (manifest.path("memdir_commit_dirty").asBoolean(false)
            ? ", with uncommitted changes"
            : "")
        + ")";
  }

  /** The lines of {@code out/results.jsonl}; a torn last line (a killed run) is cut off. */
  static List<JsonNode> readResults(Path out, PrintWriter progress) {
    Path file = out.resolve("results.jsonl");
    List<JsonNode> lines = new ArrayList<>();
    if (!Files.exists(file)) {
      return lines;
    }
    byte[] bytes = TextFiles.readBytes(file, file.toString(), Long.MAX_VALUE);
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      String text = new String(bytes, start, i - start, StandardCharsets.UTF_8);
      try {
        lines.add(JSON.readTree(text));
      } catch (JsonProcessingException e) {
        throw new MemdirException(
            file + ": line " + (lines.size() + 1) + " is damaged; delete " + out + " and run again",
            e);
      }
      start = i + 1;
    }
    if (start < bytes.length) {
      progress.println(
          "cutting off an unfinished last line of "
              + file
              + " ("
              + (bytes.length - start)
              + " bytes)");
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(start);
      } catch (IOException e) {
        throw new MemdirException("cannot repair " + file + ": " + e.getMessage(), e);
      }
    }
    return lines;
  }

  /** The key of a question in a run: its conversation and its index there. */
  static String key(String sampleId, int index) {
    return sampleId + "\0" + index;
  }

  /**
   * Opens {@code out/results.jsonl} for appending, has {@code submit} queue on a pool of {@code
   * threads} the tasks that write to it, waits for them all and shuts the pool down.
   */
  static void appendResults(
      Path out, int threads, BiFunction<ExecutorService, BufferedWriter, List<Future<?>>> submit) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (BufferedWriter w =
        Files.newBufferedWriter(
            out.resolve("results.jsonl"),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      for (Future<?> f : submit.apply(pool, w)) {
        f.get();
      }
    } catch (IOException e) {
      throw new MemdirException(
          "cannot write " + out.resolve("results.jsonl") + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MemdirException(
          "the run was interrupted; start it again with the same --out to resume", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new MemdirException("the run failed: " + cause, cause);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Appends {@code line} to {@code w} as one whole line, whichever worker writes. */
  static void appendLine(BufferedWriter w, JsonNode line) throws IOException {
    synchronized (w) {
      w.write(line.toString());
      w.write('\n');
      w.flush();
    }
  }

  /**
   * Puts {@code lines} in the order of {@code data}: a fixed order makes the sums, and so the
   * report, identical however the run was split.
   */
  static void sortLikeData(List<JsonNode> lines, LocomoData data) {
    Map<String, Integer> order = new HashMap<>();
    data.conversations().forEach(c -> order.put(c.sampleId(), order.size()));
    lines.sort(
        Comparator.comparingInt((JsonNode l) -> order.getOrDefault(l.get("sample_id").asText(), -1))
            .thenComparingInt(l -> l.get("question_index").asInt()));
  }

  /** The start of a run's manifest: memdir, its commit, the data file and {@code params}. */
  static ObjectNode manifest(LocomoData data, JsonNode params) {
    ObjectNode m = JSON.createObjectNode();
    m.put("memdir_version", Version.get());
    // The code that produced the run: the commit memdir was built from (not the checkout it runs
    // in).
    m.put("memdir_commit", Version.commit().orElse("unknown"));
    if (Version.dirty()) {
      m.put("memdir_commit_dirty", true);
    }
    ObjectNode d = m.putObject("data");
    d.put("file", data.file());
    d.put("sha256", data.sha256());
    d.put("conversations", data.conversations().size());
    d.put("questions", data.questionCount());
    m.set("params", params);
    return m;
  }

  /** Adds the JVM the run is on to manifest {@code m}. */
  static void putJvm(ObjectNode m) {
    ObjectNode jvm = m.putObject("jvm");
    jvm.put("version", System.getProperty("java.version"));
    jvm.put("vendor", System.getProperty("java.vendor"));
  }

  static String pretty(JsonNode n) {
    try {
      return JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(n) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
