package dev.memdir.bench.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.MemdirException;
import dev.memdir.Validation;
import dev.memdir.history.Message;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatModels;
import dev.memdir.llm.ModelConfig;
import dev.memdir.llm.RetryPolicy;
import dev.memdir.memory.Actor;
import dev.memdir.tools.ToolResult;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The campaign's second JVM. Modes:
 *
 * <pre>
 * ops KIND DIR SEED [BASE_URL]  memory | archival | history | send | reindex, forever; prints
 *                               "ready", then each operation's marker once it is acknowledged
 * bomb NAME DIR                 one bomb of {@link Bombs} through the tools; prints ms=, heap=,
 *                               status= (ok | error | crash), chars= and result= lines
 * reindexloop DIR               prints "ready" and rebuilds the index forever
 * </pre>
 */
final class Child {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Child() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Path dir = Path.of(args[2].isEmpty() ? "." : args[2]);
    switch (args[0]) {
      case "ops" -> ops(args[1], dir, Long.parseLong(args[3]), args.length > 4 ? args[4] : "", out);
      case "bomb" -> bomb(args[1], dir, out);
      case "reindexloop" -> reindexLoop(dir, out);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  /** The marker of operation {@code i} of a child with {@code seed}: one search token. */
  static String marker(String kind, long seed, int i) {
    return kind.charAt(0) + "k" + Long.toUnsignedString(seed, 36) + "n" + i;
  }

  /** The block the {@code i}th memory operation of {@code seed} writes to. */
  static String blockOf(long seed, int i) {
    return "c" + Long.toUnsignedString(seed, 36) + "-" + (i / 40);
  }

  private static void ops(String kind, Path dir, long seed, String url, PrintStream out) {
    Random r = new Random(seed);
    try (Agent agent = Agent.open(dir, Duration.ofSeconds(30))) {
      ChatModel model = null;
      if (kind.equals("send")) {
        model =
            ChatModels.open(
                ModelConfig.resolve("openai/gpt-4o-mini", Optional.of(url), Map.of())
                    .withRetry(RetryPolicy.NONE)
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20)));
      }
      out.println("ready");
      for (int i = 0; ; i++) {
        String m = marker(kind, seed, i);
        switch (kind) {
          case "memory" -> {
            if (i % 40 == 0) {
              agent.memory().create(blockOf(seed, i), "campaign", 5000, m);
            } else {
              agent
                  .memory()
                  .append(r.nextBoolean() ? Actor.AGENT : Actor.PERSON, blockOf(seed, i), m);
            }
          }
          case "archival" ->
              agent.archival().insert(m + " " + "fact ".repeat(r.nextInt(50)), List.of("campaign"));
          case "history" -> {
            // Now and then a record of megabytes, whose write a SIGKILL can tear.
            int len = r.nextInt(10) == 0 ? 256 * 1024 + r.nextInt(2 << 20) : r.nextInt(200);
            agent.history().append(Message.user(m + " " + "x".repeat(len)));
          }
          case "send" -> agent.send(m, model);
          case "reindex" -> {
            Files.writeString(
                agent.layout().filesDir().resolve(m + ".md"),
                "# " + m + "\n\n" + m + " is a note the campaign indexed.\n");
            agent.search().reindex();
          }
          default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
        out.println(m);
      }
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(3);
    }
  }

  private static void reindexLoop(Path dir, PrintStream out) {
    try (Agent agent = Agent.open(dir)) {
      out.println("ready");
      while (true) {
        agent.search().reindex();
      }
    }
  }

  private static void bomb(String name, Path dir, PrintStream out) {
    long t0 = System.nanoTime();
    StringBuilder result = new StringBuilder();
    String status = "ok";
    try (Agent agent = Agent.open(dir, Duration.ofSeconds(5))) {
      Tools tools = new Tools(agent);
      for (Bombs.Call c : Bombs.calls(name)) {
        String text;
        if (c.tool().equals("validate")) {
          Validation v = Agent.validate(dir);
          text = "validate: " + v.errors() + " " + v.warnings();
        } else {
          ToolResult r = tools.call(c.tool(), (ObjectNode) JSON.readTree(c.json()));
          text = c.tool() + ": " + r.content();
          if (r.content().contains("failed unexpectedly")) {
            status = "crash";
          }
        }
        result.append(text.length()).append(' ');
        out.println("call=" + c.tool() + " chars=" + text.length() + " ms=" + ms(t0));
        out.println("said=" + oneLine(text, 300));
        if (text.length() > Bombs.MAX_RESULT_CHARS) {
          status = "crash";
          out.println("why=a tool result of " + text.length() + " chars");
        }
      }
    } catch (MemdirException e) {
      if (status.equals("ok")) {
        status = "error";
      }
      out.println("said=" + oneLine(e.getMessage(), 300));
    } catch (Throwable e) {
      status = "crash";
      out.println("said=" + oneLine(e.toString(), 300));
    }
    out.println("ms=" + ms(t0));
    out.println("heap=" + peakHeapMib());
    out.println("status=" + status);
    out.flush();
    System.exit(0);
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static String oneLine(String s, int max) {
    String clean = String.valueOf(s).replaceAll("[\\r\\n\\t]+", " ");
    return clean.length() > max ? clean.substring(0, max) + "…" : clean;
  }

  private static long peakHeapMib() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum >> 20;
  }
}
