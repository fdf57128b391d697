package dev.memdir;

import dev.memdir.format.Layout;
import dev.memdir.format.WriteLock;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import dev.memdir.llm.ChatModels;
import dev.memdir.llm.ModelConfig;
import dev.memdir.llm.RetryPolicy;
import dev.memdir.memory.Actor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A second JVM for tests of crashes and of writers in several processes. Modes:
 *
 * <pre>
 * append DIR THREADS PER_THREAD TAG   append TAG-thread-i records from THREADS threads, print "done"
 * crash DIR SEED                      append records forever, printing each id once append returns
 * hold DIR MILLIS                     take the write lock, print "locked", hold it, exit
 * edit DIR SEED                       append, insert and replace in block human forever, printing
 *                                     each token once the edit returns
 * send DIR BASE_URL MESSAGE            send MESSAGE to the agent with an OpenAI-style model at
 *                                     BASE_URL, print the reply
 * </pre>
 */
public final class ChildProcess {
  private ChildProcess() {}

  /** Starts this class in a new JVM with the test class path; stderr goes to the test's. */
  public static Process start(String... args) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd =
        new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildProcess.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Collects a child's standard output in the background. */
  public static final class Output {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Thread reader;

    /** Starts reading {@code in}. */
    public Output(InputStream in) {
      reader =
          new Thread(
              () -> {
                byte[] buf = new byte[8192];
                try {
                  for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    synchronized (bytes) {
                      bytes.write(buf, 0, n);
                    }
                  }
                } catch (IOException ignored) {
                  // The child died; what was read is what it said.
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    /** The complete lines so far (a last line without its newline is left out). */
    public List<String> lines() {
      String s;
      synchronized (bytes) {
        s = bytes.toString(StandardCharsets.UTF_8);
      }
      int end = s.lastIndexOf('\n');
      return end < 0 ? List.of() : List.of(s.substring(0, end).split("\n", -1));
    }

    /** Waits until a complete line equals {@code line}. */
    public void await(String line, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!lines().contains(line)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "the child did not print '" + line + "' in " + timeout + "; it printed " + lines());
        }
        Thread.sleep(5);
      }
    }

    /** Waits until the child printed at least {@code n} complete lines. */
    public void awaitLines(int n, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (lines().size() < n) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "the child did not print " + n + " lines in " + timeout + "; it printed " + lines());
        }
        Thread.sleep(2);
      }
    }

    /** Waits for the stream to end (after the child exits). */
    public void join() throws InterruptedException {
      reader.join(10_000);
    }
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    Path dir = Path.of(args[1]);
    switch (args[0]) {
      case "append" ->
          append(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4], out);
      case "crash" -> crash(dir, Long.parseLong(args[2]), out);
      case "hold" -> hold(dir, Long.parseLong(args[2]), out);
      case "edit" -> edit(dir, Long.parseLong(args[2]), out);
      case "send" -> send(dir, args[2], args[3], out);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void append(Path dir, int threads, int perThread, String tag, PrintStream out)
      throws Exception {
    try (Agent agent = Agent.open(dir, Duration.ofSeconds(60))) {
      List<Thread> all = new ArrayList<>();
      List<Throwable> failures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Thread th =
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < perThread; i++) {
                      agent.history().append(Message.user(tag + "-" + thread + "-" + i));
                    }
                  } catch (Throwable e) {
                    synchronized (failures) {
                      failures.add(e);
                    }
                  }
                });
        all.add(th);
        th.start();
      }
      for (Thread th : all) {
        th.join();
      }
      if (!failures.isEmpty()) {
        failures.get(0).printStackTrace();
        System.exit(3);
      }
    }
    out.println("done");
    out.flush();
  }

  private static void crash(Path dir, long seed, PrintStream out) {
    Random r = new Random(seed);
    try (Agent agent = Agent.open(dir)) {
      out.println("ready");
      out.flush();
      for (int i = 0; ; i++) {
        // Now and then a record of megabytes, whose write a SIGKILL can tear.
        int len = r.nextInt(10) == 0 ? 256 * 1024 + r.nextInt(2 << 20) : r.nextInt(200);
        Record rec = agent.history().append(Message.user(seed + "-" + i + " " + "x".repeat(len)));
        out.println(rec.id());
        out.flush();
      }
    }
  }

  private static void edit(Path dir, long seed, PrintStream out) {
    Random r = new Random(seed);
    try (Agent agent = Agent.open(dir)) {
      out.println("ready");
      out.flush();
      for (int i = 0; ; i++) {
        String token = "<" + seed + "-" + i + ">";
        switch (r.nextInt(3)) {
          case 0 -> agent.memory().append(Actor.AGENT, "human", token);
          case 1 -> agent.memory().insert(Actor.AGENT, "human", token, r.nextBoolean() ? 0 : -1);
          default -> {
            agent.memory().append(Actor.AGENT, "human", "slot-" + token);
            agent.memory().replace(Actor.AGENT, "human", "slot-" + token, token);
          }
        }
        out.println(token);
        out.flush();
      }
    }
  }

  private static void send(Path dir, String baseUrl, String message, PrintStream out) {
    ModelConfig config =
        ModelConfig.resolve("openai/gpt-4o-mini", Optional.of(baseUrl), Map.of())
            .withRetry(RetryPolicy.NONE);
    try (Agent agent = Agent.open(dir)) {
      out.println(agent.send(message, ChatModels.open(config)).text());
      out.flush();
    }
  }

  private static void hold(Path dir, long millis, PrintStream out) throws InterruptedException {
    WriteLock lock = WriteLock.of(Layout.of(dir), Duration.ofSeconds(30));
    try (WriteLock.Hold h = lock.acquire()) {
      out.println("locked");
      out.flush();
      Thread.sleep(millis);
    }
  }
}
