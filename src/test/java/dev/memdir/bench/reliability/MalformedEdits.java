package dev.memdir.bench.reliability;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.cli.Main;
import dev.memdir.memory.Block;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Hand edits gone wrong. Each must give a {@code path:line} message from {@code memdir validate};
 * after a typo in agent.yaml, other commands must still work.
 */
final class MalformedEdits {
  private static final String FACT_ID = "01JDX3M8Q4ZK6Y5W2R9T7C1B0A";
  private static final String FACT = "archival/" + FACT_ID + ".md";
  private static final String SEGMENT = "history/2026-11.jsonl";
  private static final String RECORD =
      "{\"v\":1,\"id\":\"01JDX3M8Q4ZK6Y5W2R9T7C1B0B\",\"ts\":\"2026-11-26T08:30:00Z\","
          + "\"role\":\"user\",\"content\":\"hello\"}\n";

  private interface Edit {
    void apply(Path dir) throws IOException;
  }

  /**
   * A malformed input.
   *
   * @param name what it is
   * @param file the file the message must name
   * @param edit how the file is broken
   * @param othersWork whether other commands must still work afterwards
   * @param mayBeValid whether being read correctly without any message also passes (BOM, CRLF, a
   *     number with leading zeros)
   * @param reading what of the block must read as {@code expected} when no message is given
   * @param expected how the block must read
   */
  private record Case(
      String name,
      String file,
      Edit edit,
      boolean othersWork,
      boolean mayBeValid,
      Function<Block, String> reading,
      String expected) {
    Case(String name, String file, Edit edit) {
      this(name, file, edit, false, false, b -> "", "");
    }

    Case(String name, String file, Edit edit, boolean othersWork, boolean mayBeValid) {
      this(name, file, edit, othersWork, mayBeValid, b -> b.value().strip(), "Name: Ada");
    }
  }

  private MalformedEdits() {}

  static List<Row> run(Plan plan) throws Exception {
    Row.Tally t = new Row.Tally("malformed", "hand edits: a path:line message from validate", 20);
    int n = 0;
    for (Case c : cases()) {
      Path dir = plan.work().resolve("malformed-" + n++);
      Agent.init(dir, InitOptions.defaults()).close();
      c.edit().apply(dir);
      List<String> problems = new ArrayList<>();
      String[] out = new String[1];
      int code = cli(out, "validate", dir.toString());
      Pattern located = Pattern.compile("(?m)^" + Pattern.quote(c.file()) + ":[1-9][0-9]*: ");
      boolean hasLine = located.matcher(out[0]).find();
      boolean mentioned = out[0].contains(c.file());
      if (c.mayBeValid()) {
        if (mentioned && !hasLine) {
          problems.add(c.name() + ": a message without a line: " + Child.oneLine(out[0], 160));
        } else if (!mentioned && code != 0) {
          problems.add(c.name() + ": invalid, naming another file: " + Child.oneLine(out[0], 160));
        } else if (!mentioned) {
          String value = readBlock(dir, c.reading());
          if (!value.equals(c.expected())) {
            problems.add(
                c.name() + ": no message, but the block reads as: " + Child.oneLine(value, 80));
          }
        }
      } else if (!hasLine) {
        problems.add(
            c.name()
                + ": no '"
                + c.file()
                + ":LINE:' message; validate said: "
                + Child.oneLine(out[0], 160));
      }
      if (c.othersWork()) {
        for (String[] cmd :
            List.of(
                new String[] {"memory", dir.toString()},
                new String[] {"archival", "list", dir.toString()},
                new String[] {"history", dir.toString()},
                new String[] {"grep", dir.toString(), "x"})) {
          if (cli(out, cmd) != 0) {
            problems.add(
                c.name() + ": 'memdir " + cmd[0] + "' failed: " + Child.oneLine(out[0], 120));
          }
        }
      }
      t.lost(problems.isEmpty() ? 0 : 1);
      t.trial(problems);
    }
    return List.of(t.row());
  }

  private static String readBlock(Path dir, Function<Block, String> reading) {
    try (Agent agent = Agent.open(dir)) {
      return reading.apply(agent.memory().get("human"));
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  private static int cli(String[] output, String... args) {
    StringWriter sw = new StringWriter();
    try (PrintWriter pw = new PrintWriter(sw)) {
      int code = Main.run(args, new ByteArrayInputStream(new byte[0]), pw, pw);
      pw.flush();
      output[0] = sw.toString();
      return code;
    }
  }

  private static Edit block(String text) {
    return dir -> Files.writeString(dir.resolve("memory/human.md"), text);
  }

  private static Edit bytes(String file, byte[] b) {
    return dir -> Files.write(dir.resolve(file), b);
  }

  private static Edit replaceInYaml(String from, String to) {
    return dir -> {
      Path f = dir.resolve("agent.yaml");
      String s = Files.readString(f);
      if (!s.contains(from)) {
        throw new IllegalStateException("agent.yaml has no '" + from + "'");
      }
      Files.writeString(f, s.replace(from, to));
    };
  }

  private static List<Case> cases() {
    String head = "---\ndescription: the person\n";
    String fm = "---\nid: " + FACT_ID + "\ncreated: 2026-11-26T08:30:00Z\ntags: [a]\n---\n";
    byte[] badUtf8 =
        (head + "limit: 5000\n---\nName: Ada\nLikes: ").getBytes(StandardCharsets.UTF_8);
    byte[] withBad = new byte[badUtf8.length + 3];
    System.arraycopy(badUtf8, 0, withBad, 0, badUtf8.length);
    withBad[badUtf8.length] = (byte) 0xC3;
    withBad[badUtf8.length + 1] = (byte) 0x28;
    withBad[badUtf8.length + 2] = '\n';
    return List.of(
        new Case(
            "broken YAML front matter", "memory/human.md", block(head + "limit: [5000\n---\nx\n")),
        new Case(
            "front matter never closed",
            "memory/human.md",
            block(head + "limit: 5000\nName: Ada\n")),
        new Case(
            "wrong type: limit: lots", "memory/human.md", block(head + "limit: lots\n---\nx\n")),
        new Case(
            "wrong type: read_only: maybe",
            "memory/human.md",
            block(head + "read_only: maybe\n---\nx\n")),
        new Case(
            "limit: 05000",
            "memory/human.md",
            block(head + "limit: 05000\n---\nx\n"),
            false,
            true,
            b -> "limit " + b.limit(),
            "limit 5000"),
        new Case("invalid UTF-8", "memory/human.md", bytes("memory/human.md", withBad)),
        new Case(
            "BOM and CRLF",
            "memory/human.md",
            block("\uFEFF" + (head + "limit: 5000\n---\nName: Ada\n").replace("\n", "\r\n")),
            false,
            true),
        new Case(
            "typo in an agent.yaml key",
            "agent.yaml",
            replaceInYaml("tools:", "tols:"),
            true,
            false),
        new Case(
            "typo in an agent.yaml value",
            "agent.yaml",
            replaceInYaml("durability: turn", "durability: turm"),
            true,
            false),
        new Case(
            "non-string history content",
            SEGMENT,
            dir ->
                Files.writeString(
                    dir.resolve(SEGMENT),
                    RECORD + RECORD.replace("\"hello\"", "42").replace("0B\"", "0C\""))),
        new Case(
            "torn JSONL line in the middle",
            SEGMENT,
            dir ->
                Files.writeString(
                    dir.resolve(SEGMENT),
                    RECORD + RECORD.substring(0, 40) + "\n" + RECORD.replace("0B\"", "0D\""))),
        new Case(
            "fact over the cap",
            FACT,
            dir -> Files.writeString(dir.resolve(FACT), fm + "z".repeat(25_000) + "\n")),
        new Case(
            "fact with broken front matter",
            FACT,
            dir ->
                Files.writeString(
                    dir.resolve(FACT), fm.replace("tags: [a]", "tags: [a") + "a fact\n")));
  }
}
