package dev.memdir.bench.reliability;

import dev.memdir.Agent;
import dev.memdir.ChildProcess;
import dev.memdir.InitOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Inputs made to exhaust time or memory, each run through the tools in a child JVM with {@code
 * -Xmx512m} and a wall-clock limit: an out-of-memory error, a stack overflow, a result over {@link
 * #MAX_RESULT_CHARS} or the limit passing is a failed row, never a hung campaign.
 */
final class Bombs {
  /** The largest tool result a bomb may produce: more is a memory bomb passed on to the model. */
  static final int MAX_RESULT_CHARS = 1_000_000;

  static final String NESTED = "(((a{1000}){1000}){1000})";
  static final String REPEATED = "(a{1000}){1000}";

  /** One tool call of a bomb; {@code validate} stands for {@code Agent.validate}. */
  record Call(String tool, String json) {}

  private Bombs() {}

  static List<Call> calls(String name) {
    return switch (name) {
      case "nested-6b", "nested-200kb" -> List.of(grep(NESTED));
      case "repeated-6b", "repeated-200kb" -> List.of(grep(REPEATED));
      case "sparse-files" ->
          List.of(
              grep("needle"),
              new Call("search_files", "{\"query\":\"needle\"}"),
              new Call("open_files", "{\"file_requests\":[{\"file_name\":\"huge.txt\"}]}"));
      case "sparse-archival" ->
          List.of(
              new Call("archival_memory_search", "{\"query\":\"needle\"}"),
              new Call("validate", ""));
      case "long-line" ->
          List.of(
              grep("word"),
              new Call("open_files", "{\"file_requests\":[{\"file_name\":\"long.txt\"}]}"),
              new Call("search_files", "{\"query\":\"word\"}"));
      case "deep" ->
          List.of(
              grep("needle"),
              new Call("search_files", "{\"query\":\"needle\"}"),
              new Call("conversation_search", "{\"query\":\"deep\"}"),
              new Call("validate", ""));
      case "index-lock" -> List.of(new Call("search_files", "{\"query\":\"needle\"}"));
      default -> throw new IllegalArgumentException("unknown bomb " + name);
    };
  }

  private static Call grep(String pattern) {
    return new Call("grep_files", "{\"pattern\":" + Tools.q(pattern) + "}");
  }

  static List<Row> run(Plan plan) throws Exception {
    List<Row> rows = new ArrayList<>();
    if (!plan.everyBomb()) {
      rows.add(bomb(plan, "deep", "deep nesting (folders, YAML, JSON)", Bombs::deep));
      return rows;
    }
    rows.add(bomb(plan, "nested-6b", "regex " + NESTED + " on 6 B", d -> tiny(d)));
    rows.add(bomb(plan, "nested-200kb", "regex " + NESTED + " on 200 KB", d -> big(d)));
    rows.add(bomb(plan, "repeated-6b", "regex " + REPEATED + " on 6 B", d -> tiny(d)));
    rows.add(bomb(plan, "repeated-200kb", "regex " + REPEATED + " on 200 KB", d -> big(d)));
    rows.add(
        bomb(
            plan,
            "sparse-files",
            "sparse 3 GB file in files/",
            d -> sparse(d.resolve("files/huge.txt"))));
    rows.add(
        bomb(
            plan,
            "sparse-archival",
            "sparse 3 GB file in archival/",
            d -> sparse(d.resolve("archival/01JDX3M8Q4ZK6Y5W2R9T7C1B0A.md"))));
    int mb = plan.full() ? 64 : 16;
    rows.add(bomb(plan, "long-line", "one line of " + mb + " MB in files/", d -> longLine(d, mb)));
    rows.add(bomb(plan, "deep", "deep nesting (folders, YAML, JSON)", Bombs::deep));
    rows.add(indexLock(plan));
    return rows;
  }

  private interface Setup {
    void make(Path dir) throws IOException;
  }

  private static Row bomb(Plan plan, String name, String title, Setup setup) throws Exception {
    Row.Tally t = new Row.Tally("bomb", title);
    Path dir = plan.work().resolve("bomb-" + name);
    Agent.init(dir, InitOptions.defaults()).close();
    setup.make(dir);
    probe(plan, name, dir, t);
    return t.row();
  }

  private static void probe(Plan plan, String name, Path dir, Row.Tally t) throws Exception {
    Jvm.Outcome o = Jvm.run(plan.bombMillis(), "512m", plan.errLog(), "bomb", name, dir.toString());
    t.time(o.millis());
    if (!o.value("heap").isEmpty()) {
      t.memory(Long.parseLong(o.value("heap")));
    }
    String status = o.value("status");
    String said = o.value("said");
    if (o.timedOut()) {
      t.lost(1);
      t.fail("still running after " + plan.bombMillis() + " ms (killed); last: " + said);
    } else if (!status.equals("ok") && !status.equals("error")) {
      t.lost(1);
      String why = o.value("why");
      t.fail(
          (status.isEmpty() ? "the child died (exit " + o.exit() + ")" : status)
              + ": "
              + (why.isEmpty() ? said : why));
    } else {
      t.pass();
    }
  }

  private static void tiny(Path dir) throws IOException {
    Files.writeString(dir.resolve("files/a.txt"), "aaaaaa");
  }

  private static void big(Path dir) throws IOException {
    Files.writeString(dir.resolve("files/a.txt"), "a".repeat(200 * 1024));
  }

  private static void sparse(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.write("needle\n".getBytes(StandardCharsets.UTF_8));
      f.setLength(3L << 30);
    }
  }

  private static void longLine(Path dir, int mb) throws IOException {
    try (var out = Files.newBufferedWriter(dir.resolve("files/long.txt"))) {
      String chunk = "word ".repeat(200);
      for (long written = 0; written < (long) mb << 20; written += chunk.length()) {
        out.write(chunk);
      }
      out.write("\n");
    }
  }

  private static void deep(Path dir) throws IOException {
    Path d = dir.resolve("files");
    for (int i = 0; i < 1000; i++) {
      d = d.resolve("d");
    }
    Files.createDirectories(d);
    Files.writeString(d.resolve("needle.txt"), "a needle at the bottom\n");
    int depth = 20_000;
    Files.writeString(
        dir.resolve("memory/deep.md"),
        "---\ndescription: deep\nmetadata: "
            + "[".repeat(depth)
            + "]".repeat(depth)
            + "\n---\nx\n");
    Files.writeString(
        dir.resolve("history/2026-11.jsonl"),
        "{\"v\":1,\"id\":\"01JDX3M8Q4ZK6Y5W2R9T7C1B0A\",\"ts\":\"2026-11-26T08:30:00Z\","
            + "\"role\":\"user\",\"content\":\"deep\",\"x\":"
            + "[".repeat(depth)
            + "]".repeat(depth)
            + "}\n");
  }

  /**
   * Another process holds the index lock in the middle of a rebuild: a child rebuilding the index
   * over and over is stopped (SIGSTOP) while it holds {@code .memdir/index/main.lock}; a search
   * must then end, with a clear message, within the limit.
   */
  private static Row indexLock(Plan plan) throws Exception {
    Row.Tally t = new Row.Tally("bomb", "search while another process holds the index lock");
    Path dir = plan.work().resolve("bomb-index-lock");
    Agent.init(dir, InitOptions.defaults()).close();
    Random random = new Random(plan.seed());
    for (int i = 0; i < 400; i++) {
      Files.writeString(
          dir.resolve("files/n" + i + ".md"),
          ("needle " + i + " " + Long.toString(random.nextLong(), 36) + "\n").repeat(50));
    }
    Path lockFile = dir.resolve(".memdir/index/main.lock");
    Process holder = Jvm.start("256m", plan.errLog(), "reindexloop", "", dir.toString());
    holder.getOutputStream().close();
    ChildProcess.Output out = new ChildProcess.Output(holder.getInputStream());
    FileLock ours = null;
    FileChannel ch = null;
    try {
      out.await("ready", Duration.ofSeconds(60));
      boolean stopped = false;
      for (int i = 0; i < 50 && !stopped; i++) {
        Thread.sleep(20 + random.nextInt(200));
        signal("STOP", holder);
        if (Files.exists(lockFile) && !lockFree(lockFile)) {
          stopped = true;
        } else {
          signal("CONT", holder);
        }
      }
      if (!stopped) {
        // No kill(1) or no luck: hold the lock from this process instead.
        holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Files.createDirectories(lockFile.getParent());
        ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ours = ch.lock();
      }
      probe(plan, "index-lock", dir, t);
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      if (ours != null) {
        ours.release();
      }
      if (ch != null) {
        ch.close();
      }
    }
    return t.row();
  }

  private static boolean lockFree(Path lockFile) throws IOException {
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      if (l == null) {
        return false;
      }
      l.release();
      return true;
    }
  }

  private static void signal(String sig, Process p) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", "-" + sig, "" + p.pid()).inheritIO().start();
    k.waitFor(10, TimeUnit.SECONDS);
  }
}
