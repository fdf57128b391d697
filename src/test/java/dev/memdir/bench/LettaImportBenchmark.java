package dev.memdir.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.letta.AgentFileExport;
import dev.memdir.letta.AgentFileImport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Importing and exporting a large synthetic agent file (blocks, tool-calling messages) against the
 * baseline of parsing the same bytes with Jackson, in the same process. Arguments: messages
 * (default 20000), blocks (50), rounds (5).
 */
public final class LettaImportBenchmark {
  private LettaImportBenchmark() {}

  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    byte[] af = file(messages, blocks);
    Path dir = Files.createTempDirectory("memdir-letta-bench");
    ObjectMapper json = new ObjectMapper();
    double[] parse = new double[rounds];
    double[] imp = new double[rounds];
    double[] exp = new double[rounds];
    try {
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        json.readTree(af);
        long t1 = System.nanoTime();
        Path target = dir.resolve("a" + i);
        AgentFileImport.importBytes(af, "bench.af", target);
        long t2 = System.nanoTime();
        AgentFileExport.export(target);
        long t3 = System.nanoTime();
        parse[i] = (t1 - t0) / 1e6;
        imp[i] = (t2 - t1) / 1e6;
        exp[i] = (t3 - t2) / 1e6;
      }
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    double p = Stats.median(parse);
    System.out.printf(
        "agent file: %,d bytes, %d messages, %d blocks, %d rounds%n",
        af.length, messages, blocks, rounds);
    System.out.printf("Jackson parse only: median %.1f ms%n", p);
    System.out.printf(
        "import (parse, check, write blocks + history): median %.1f ms, %.1fx the parse%n",
        Stats.median(imp), Stats.median(imp) / p);
    System.out.printf(
        "export (read agent, write .af): median %.1f ms, %.1fx the parse%n",
        Stats.median(exp), Stats.median(exp) / p);
  }

  private static byte[] file(int messages, int blocks) throws Exception {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode af = f.objectNode();
    ObjectNode a = af.putArray("agents").addObject();
    a.put("name", "bench");
    a.put("id", "agent-0");
    a.put("system", SyntheticText.class.getSimpleName() + " benchmark agent.");
    ArrayNode bs = a.putArray("memory_blocks");
    for (int i = 0; i < blocks; i++) {
      bs.addObject()
          .put("label", "system/topic" + (i % 5) + "/block" + i)
          .put("value", ("Fact " + i + " about the user. ").repeat(40))
          .put("limit", 5000);
    }
    ArrayNode ms = a.putArray("messages");
    Instant t = Instant.parse("2025-01-01T00:00:00Z");
    for (int i = 0; i < messages; i++) {
      ObjectNode m = ms.addObject();
      m.put("type", "message");
      m.put("id", "message-" + i);
      m.put("created_at", t.plusSeconds(37L * i).toString());
      switch (i % 4) {
        case 0 -> {
          m.put("role", "user");
          m.putArray("content")
              .addObject()
              .put("type", "text")
              .put("text", "Question " + i + ": what did we say about topic " + (i % 97) + "?");
        }
        case 1 -> {
          m.put("role", "assistant");
          m.putArray("content").addObject().put("type", "text").put("text", "Let me look.");
          ObjectNode call = m.putArray("tool_calls").addObject();
          call.put("id", "call_" + i).put("type", "function");
          call.putObject("function")
              .put("name", "conversation_search")
              .put("arguments", "{\"query\": \"topic " + (i % 97) + "\"}");
        }
        case 2 -> {
          m.put("role", "tool");
          m.put("name", "conversation_search");
          m.put("tool_call_id", "call_" + (i - 1));
          m.putArray("content")
              .addObject()
              .put("type", "text")
              .put("text", "Found 3 messages about topic " + (i % 97) + ".");
        }
        default -> {
          m.put("role", "assistant");
          m.putArray("content")
              .addObject()
              .put("type", "text")
              .put("text", "We agreed on option " + (i % 3) + " for topic " + (i % 97) + ".");
        }
      }
    }
    return new ObjectMapper().writeValueAsBytes(af);
  }
}
