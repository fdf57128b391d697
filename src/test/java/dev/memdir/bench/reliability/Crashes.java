package dev.memdir.bench.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.Agent;
import dev.memdir.ChildProcess;
import dev.memdir.InitOptions;
import dev.memdir.Validation;
import dev.memdir.archival.Fact;
import dev.memdir.history.Record;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import dev.memdir.memory.Block;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Child JVMs doing acknowledged operations, SIGKILLed at random points: after each kill, every
 * operation the child acknowledged must be there, validate must pass, and {@code git add -A} must
 * stage no temporary or aside file.
 */
final class Crashes {
  static final List<String> KINDS = List.of("memory", "archival", "history", "send", "reindex");

  private Crashes() {}

  static List<Row> run(Plan plan) throws Exception {
    List<Row> rows = new ArrayList<>();
    Random random = new Random(plan.seed() ^ 0x5EED_C4A5L);
    try (ScriptedServer server = ScriptedServer.start()) {
      for (String kind : KINDS) {
        Row.Tally t = new Row.Tally("crash", "SIGKILL during " + label(kind));
        Path dir = plan.work().resolve("crash-" + kind);
        Agent.init(dir, InitOptions.defaults()).close();
        Git git = Git.init(dir);
        for (int trial = 0; trial < plan.killsPerKind(); trial++) {
          if (kind.equals("send")) {
            while (server.pendingReplies() < 400) {
              server.enqueue(ScriptedReply.computed(Crashes::reply));
            }
          }
          trial(plan, kind, dir, git, random, server.openAiBaseUrl(), t);
          while (server.takeRequest(Duration.ZERO).isPresent()) {
            // The recorded requests are not needed; drop them.
          }
        }
        rows.add(t.row());
      }
    }
    return rows;
  }

  private static String label(String kind) {
    return switch (kind) {
      case "memory" -> "memory edits";
      case "archival" -> "archival adds";
      case "history" -> "history appends";
      case "send" -> "send (scripted LLM)";
      default -> "reindex";
    };
  }

  private static void trial(
      Plan plan, String kind, Path dir, Git git, Random random, String url, Row.Tally t)
      throws IOException, InterruptedException {
    long seed = random.nextLong();
    Process p = Jvm.start("256m", plan.errLog(), "ops", kind, dir.toString(), "" + seed, url);
    p.getOutputStream().close();
    ChildProcess.Output out = new ChildProcess.Output(p.getInputStream());
    try {
      out.await("ready", Duration.ofSeconds(60));
    } catch (AssertionError e) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      t.fail("the child did not start: " + e.getMessage());
      return;
    }
    Thread.sleep(random.nextInt(kind.equals("send") || kind.equals("reindex") ? 1500 : 700));
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    out.join();
    List<String> acked = new ArrayList<>(out.lines());
    acked.remove("ready");
    List<String> problems = new ArrayList<>();
    if (!p.isAlive() && p.exitValue() != 137 && p.exitValue() != 9) {
      problems.add("the child exited by itself (" + p.exitValue() + "); see " + plan.errLog());
    }
    long missing = check(kind, dir, acked, problems);
    t.lost(missing);
    problems.addAll(git.debris());
    if (!problems.isEmpty()) {
      problems.add(0, "seed " + seed + ", " + acked.size() + " acknowledged");
    }
    t.trial(problems);
  }

  /** Checks the acknowledged operations; returns how many are missing. */
  private static long check(String kind, Path dir, List<String> acked, List<String> problems) {
    long missing = 0;
    try (Agent agent = Agent.open(dir)) {
      Set<String> tokens = new HashSet<>();
      switch (kind) {
        case "memory" -> {
          for (Block b : agent.memory().load().blocks()) {
            tokens.addAll(tokens(b.value()));
          }
        }
        case "archival" -> {
          for (Fact f : agent.archival().list().facts()) {
            tokens.addAll(tokens(f.text()));
          }
        }
        case "history", "send" -> {
          try (Stream<Record> s = agent.history().stream()) {
            s.forEach(r -> tokens.addAll(tokens(r.content())));
          }
        }
        default -> {
          Tools tools = new Tools(agent);
          for (String m : acked.subList(Math.max(0, acked.size() - 3), acked.size())) {
            String r = tools.call("search_files", "{\"query\":" + Tools.q(m) + "}");
            if (r.contains(m + ".md")) {
              tokens.add(m);
            } else {
              problems.add("search_files '" + m + "' after the kill: " + Child.oneLine(r, 120));
            }
          }
          acked = acked.subList(Math.max(0, acked.size() - 3), acked.size());
        }
      }
      for (String m : acked) {
        boolean found = tokens.contains(m) && (!kind.equals("send") || tokens.contains("ack" + m));
        if (!found) {
          missing++;
          if (missing <= 3) {
            problems.add("acknowledged " + m + " is missing");
          }
        }
      }
    } catch (RuntimeException e) {
      problems.add("cannot open the agent after the kill: " + e);
      return acked.size();
    }
    Validation v = Agent.validate(dir);
    if (!v.ok()) {
      problems.add("validate: " + v.errors());
    }
    return missing;
  }

  static Set<String> tokens(String text) {
    Set<String> out = new HashSet<>();
    for (String s : text.split("[^a-z0-9]+")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** The scripted model: store a fact for the user's message, then answer "ack<marker>". */
  private static ScriptedReply reply(RecordedRequest r) {
    JsonNode messages = r.json().path("messages");
    String user = "";
    for (JsonNode m : messages) {
      if (m.path("role").asText().equals("user")) {
        user = m.path("content").asText();
      }
    }
    String marker = user.split(" ", 2)[0];
    JsonNode last = messages.path(messages.size() - 1);
    if (last.path("role").asText().equals("tool")) {
      return OpenAiReplies.text("ack" + marker);
    }
    return OpenAiReplies.toolCalls(
        new ScriptedToolCall(
            "call_" + marker,
            "archival_memory_insert",
            "{\"content\":" + Tools.q("fact for " + marker) + "}"));
  }
}
