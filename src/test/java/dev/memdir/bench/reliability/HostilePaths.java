package dev.memdir.bench.reliability;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.agent.Section;
import dev.memdir.search.FileWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Paths a model or a hostile directory uses to reach outside {@code files/} (or outside the agent
 * for memory and archival): an escape is a secret from outside showing up in a tool's result or in
 * the context the model would see next, or a file outside changed by an agent edit.
 */
final class HostilePaths {
  private HostilePaths() {}

  /** One attack: the tools it calls, made in an agent prepared for it. */
  private record Attack(String name, List<String[]> calls) {}

  static List<Row> run(Plan plan) throws Exception {
    Random random = new Random(plan.seed() ^ 0xE5CA_9EL);
    String secret = "secret" + Long.toUnsignedString(random.nextLong(), 36);
    Path outside = plan.work().resolve("outside");
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("secret.txt"), "the " + secret + " is here\n");
    Files.writeString(
        outside.resolve("block.md"),
        "---\ndescription: not the agent's\nlimit: 5000\n---\n" + secret + " in a block\n");
    Files.writeString(
        outside.resolve("fact.md"),
        "---\nid: 01JDX3M8Q4ZK6Y5W2R9T7C1B0A\ncreated: 2026-11-26T08:30:00Z\ntags: []\n---\n"
            + secret
            + " in a fact\n");
    return List.of(corpus(plan, outside, secret), race(plan, outside, secret));
  }

  private static Row corpus(Plan plan, Path outside, String secret) throws Exception {
    Row.Tally t = new Row.Tally("path", "hostile-path corpus (tools API)");
    Path dir = plan.work().resolve("paths");
    Agent.init(dir, InitOptions.defaults()).close();
    Path files = dir.resolve("files");
    Files.writeString(files.resolve("notes.txt"), "harmless notes\n");
    Files.writeString(dir.resolve("private.txt"), "agent root " + secret + "\n");
    Files.createDirectories(dir.resolve(".memdir"));
    Files.writeString(dir.resolve(".memdir/secret.txt"), "derived " + secret + "\n");
    Files.createSymbolicLink(files.resolve("link.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(files.resolve("linkdir"), outside);
    Files.createSymbolicLink(files.resolve("uplink"), Path.of(".."));
    Files.createLink(files.resolve("hard.txt"), outside.resolve("secret.txt"));
    String grep = "{\"pattern\":" + Tools.q(secret) + "}";
    String search = "{\"query\":" + Tools.q(secret) + "}";
    List<Attack> attacks =
        List.of(
            open("'..' to the agent root", "../private.txt"),
            open("'..' out of the agent", "../../outside/secret.txt"),
            open("absolute path", outside.resolve("secret.txt").toString()),
            open("NUL in the name", "notes.txt\u0000../../outside/secret.txt"),
            open(".memdir through '..'", "../.memdir/secret.txt"),
            open("symlink to a file outside", "link.txt"),
            open("symlink to a folder outside", "linkdir/secret.txt"),
            open("symlink to the agent root", "uplink/private.txt"),
            open("hard link to a file outside", "hard.txt"),
            new Attack(
                "grep_files over every link", List.<String[]>of(new String[] {"grep_files", grep})),
            new Attack(
                "grep_files include '../**'",
                List.<String[]>of(
                    new String[] {
                      "grep_files", "{\"pattern\":" + Tools.q(secret) + ",\"include\":\"../**\"}"
                    })),
            new Attack(
                "search_files over every link",
                List.<String[]>of(new String[] {"search_files", search})));
    attack(dir, outside, secret, attacks, t);
    Path memory = plan.work().resolve("paths-memory");
    Agent.init(memory, InitOptions.defaults()).close();
    Files.createSymbolicLink(memory.resolve("memory/evil.md"), outside.resolve("block.md"));
    attack(
        memory,
        outside,
        secret,
        List.of(
            new Attack(
                "symlink in memory/ to a block outside (read)",
                List.<String[]>of(
                    new String[] {"conversation_search", "{\"query\":\"anything\"}"})),
            new Attack(
                "symlink in memory/ to a block outside (write)",
                List.<String[]>of(
                    new String[] {
                      "memory_insert", "{\"label\":\"evil\",\"new_str\":\"written by the agent\"}"
                    }))),
        t);
    Path archival = plan.work().resolve("paths-archival");
    Agent.init(archival, InitOptions.defaults()).close();
    Files.createSymbolicLink(archival.resolve("archival/evil.md"), outside.resolve("fact.md"));
    attack(
        archival,
        outside,
        secret,
        List.of(
            new Attack(
                "symlink in archival/ to a fact outside",
                List.<String[]>of(new String[] {"archival_memory_search", search}))),
        t);
    filesItselfALink(plan, outside, secret, t);
    return t.row();
  }

  private static void attack(
      Path dir, Path outside, String secret, List<Attack> attacks, Row.Tally t) throws IOException {
    String blockBefore = Files.readString(outside.resolve("block.md"));
    for (Attack a : attacks) {
      List<String> leaks = new ArrayList<>();
      try (Agent agent = Agent.open(dir)) {
        Tools tools = new Tools(agent);
        for (String[] c : a.calls()) {
          String r = tools.call(c[0], c[1]);
          if (r.contains(secret)) {
            leaks.add(c[0] + " returned the secret: " + Child.oneLine(r, 100));
          }
        }
        String seen = visible(agent);
        if (seen.contains(secret)) {
          leaks.add("the next context holds the secret");
        }
        tools.call("close_files", "{\"file_names\":[\"notes.txt\"]}");
        agent.search().openWindows().hits().forEach(w -> closeQuietly(tools, w.file()));
      } catch (RuntimeException e) {
        // An agent that refuses to open over a hostile directory leaks nothing.
      }
      if (!Files.readString(outside.resolve("block.md")).equals(blockBefore)) {
        leaks.add("an agent edit wrote to " + outside.resolve("block.md"));
        Files.writeString(outside.resolve("block.md"), blockBefore);
      }
      t.lost(leaks.isEmpty() ? 0 : 1);
      t.trial(leaks.isEmpty() ? List.of() : List.of(a.name() + ": " + String.join("; ", leaks)));
    }
  }

  private static void filesItselfALink(Plan plan, Path outside, String secret, Row.Tally t)
      throws IOException {
    Path dir = plan.work().resolve("paths-files-link");
    Agent.init(dir, InitOptions.defaults()).close();
    Files.delete(dir.resolve("files"));
    Files.createSymbolicLink(dir.resolve("files"), outside);
    List<String> leaks = new ArrayList<>();
    try (Agent agent = Agent.open(dir)) {
      Tools tools = new Tools(agent);
      for (String[] c :
          List.of(
              new String[] {"grep_files", "{\"pattern\":" + Tools.q(secret) + "}"},
              new String[] {"search_files", "{\"query\":" + Tools.q(secret) + "}"},
              new String[] {
                "open_files", "{\"file_requests\":[{\"file_name\":\"secret.txt\"}]}"
              })) {
        String r = tools.call(c[0], c[1]);
        if (r.contains(secret)) {
          leaks.add(c[0] + " returned the secret");
        }
      }
      if (visible(agent).contains(secret)) {
        leaks.add("the next context holds the secret");
      }
    } catch (RuntimeException e) {
      // Refusing the agent leaks nothing.
    }
    t.lost(leaks.isEmpty() ? 0 : 1);
    t.trial(leaks.isEmpty() ? List.of() : List.of("files/ itself a symlink: " + leaks));
  }

  private static Attack open(String name, String fileName) {
    return new Attack(
        name,
        List.<String[]>of(
            new String[] {
              "open_files", "{\"file_requests\":[{\"file_name\":" + Tools.q(fileName) + "}]}"
            }));
  }

  private static void closeQuietly(Tools tools, String file) {
    tools.call("close_files", "{\"file_names\":[" + Tools.q(file) + "]}");
  }

  /** What the model would see next: the context's sections and the open windows. */
  private static String visible(Agent agent) {
    StringBuilder sb = new StringBuilder();
    try {
      for (FileWindow w : agent.search().openWindows().hits()) {
        sb.append(w.render()).append('\n');
      }
      for (Section s : agent.context().sections()) {
        sb.append(s.text()).append('\n');
      }
    } catch (RuntimeException e) {
      sb.append(e.getMessage());
    }
    return sb.toString();
  }

  /**
   * A thread swaps {@code files/sub} between a folder inside and a symlink outside, and {@code
   * files/doc.txt} between a file and a symlink outside, while the tools read them.
   */
  private static Row race(Plan plan, Path outside, String secret) throws Exception {
    Row.Tally t = new Row.Tally("path", "symlink-swap race (tools API)");
    Path dir = plan.work().resolve("race");
    Agent.init(dir, InitOptions.defaults()).close();
    Path files = dir.resolve("files");
    Files.createDirectories(files.resolve("real"));
    Files.writeString(files.resolve("real/secret.txt"), "an innocent file\n");
    Files.writeString(files.resolve("doc.txt"), "an innocent doc\n");
    Files.createSymbolicLink(files.resolve("sub"), Path.of("real"));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong swaps = new AtomicLong();
    Thread swapper =
        new Thread(
            () -> {
              try {
                for (long n = 0; !stop.get(); n++) {
                  Path tmp = files.resolve(".swap");
                  Files.deleteIfExists(tmp);
                  if (n % 2 == 0) {
                    Files.createSymbolicLink(tmp, outside);
                  } else {
                    Files.createSymbolicLink(tmp, Path.of("real"));
                  }
                  Files.move(tmp, files.resolve("sub"), StandardCopyOption.ATOMIC_MOVE);
                  if (n % 2 == 0) {
                    Files.createSymbolicLink(tmp, outside.resolve("secret.txt"));
                  } else {
                    Files.writeString(tmp, "an innocent doc\n");
                  }
                  Files.move(tmp, files.resolve("doc.txt"), StandardCopyOption.ATOMIC_MOVE);
                  swaps.incrementAndGet();
                }
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    swapper.setDaemon(true);
    swapper.start();
    long end = System.nanoTime() + plan.raceMillis() * 1_000_000;
    try (Agent agent = Agent.open(dir)) {
      Tools tools = new Tools(agent);
      String[][] calls = {
        {"grep_files", "{\"pattern\":" + Tools.q(secret) + "}"},
        {"open_files", "{\"file_requests\":[{\"file_name\":\"sub/secret.txt\"}]}"},
        {"open_files", "{\"file_requests\":[{\"file_name\":\"doc.txt\"}]}"},
        {"search_files", "{\"query\":" + Tools.q(secret) + "}"},
      };
      for (int i = 0; System.nanoTime() < end; i++) {
        String[] c = calls[i % calls.length];
        long t0 = System.nanoTime();
        String r = tools.call(c[0], c[1]);
        StringBuilder seen = new StringBuilder(r);
        for (FileWindow w : agent.search().openWindows().hits()) {
          seen.append(w.render());
        }
        t.time((System.nanoTime() - t0) / 1_000_000);
        if (seen.toString().contains(secret)) {
          t.lost(1);
          t.fail(c[0] + " " + c[1] + " showed the secret while the link was swapped");
        } else {
          t.pass();
        }
        if (c[0].equals("open_files")) {
          tools.call("close_files", "{\"file_names\":[\"sub/secret.txt\",\"doc.txt\"]}");
        }
      }
    } finally {
      stop.set(true);
      swapper.join(5_000);
    }
    if (swaps.get() < 10) {
      t.fail("the swapper swapped only " + swaps.get() + " times; the race did not run");
    }
    return t.row();
  }
}
