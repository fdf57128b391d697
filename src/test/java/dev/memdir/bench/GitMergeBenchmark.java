package dev.memdir.bench;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.format.Layout;
import dev.memdir.git.AgentRepo;
import dev.memdir.git.Sync;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import dev.memdir.memory.Actor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.URIish;

/**
 * History records and block edits before and after merging 100 seeded random pairs of branches of
 * one agent, by {@code memdir sync} and (when a git binary is present) by plain {@code git pull}
 * with the {@code .gitattributes} that {@code init --git} writes. Run with:
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Dexec.mainClass=dev.memdir.bench.GitMergeBenchmark -Dexec.args="100 1"
 * </pre>
 */
public final class GitMergeBenchmark {
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  private GitMergeBenchmark() {}

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    boolean git = hasGit();
    long[] sync = new long[7];
    long[] plain = new long[7];
    long t = System.nanoTime();
    for (int p = 0; p < pairs; p++) {
      Path tmp = Files.createTempDirectory("memdir-gitmerge");
      try {
        run(new Random(seed * 1000 + p), tmp, false, sync);
        if (git) {
          Path tmp2 = tmp.resolve("plain");
          Files.createDirectories(tmp2);
          run(new Random(seed * 1000 + p), tmp2, true, plain);
        }
      } finally {
        PathUtils.deleteDirectory(tmp);
      }
    }
    double secs = (System.nanoTime() - t) / 1e9;
    System.out.printf("%d pairs, seed %d, %.1f s%n", pairs, seed, secs);
    print("memdir sync", sync);
    if (git) {
      print("plain git pull (merge=union)", plain);
    } else {
      System.out.println("plain git: skipped, no git binary");
    }
  }

  private static void print(String how, long[] c) {
    System.out.printf(
        "%s: records on both sides %d, after merge %d, lost %d, out of time order %d pairs"
            + " (files), %d pairs (last-N read), block edits kept %d of %d, pairs where git left"
            + " conflict markers %d%n",
        how, c[0], c[1], c[0] - c[1], c[2], c[6], c[3], c[4], c[5]);
  }

  /** One pair: a shared base, then each clone adds records and block lines, then they merge. */
  private static void run(Random r, Path tmp, boolean plainGit, long[] counts) throws Exception {
    Path remote = tmp.resolve("remote.git");
    Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
    Path a = tmp.resolve("a");
    Agent.init(a, InitOptions.defaults()).close();
    AgentRepo.init(Layout.of(a), Clock.systemUTC()).close();
    try (Git repo = Git.open(a.toFile())) {
      repo.remoteAdd().setName("origin").setUri(new URIish(remote.toUri().toString())).call();
    }
    int shared = r.nextInt(10);
    add(a, r, shared, 0, "base");
    sync(a);
    Path b = tmp.resolve("b");
    Git.cloneRepository().setURI(remote.toUri().toString()).setDirectory(b.toFile()).call().close();
    int na = r.nextInt(20);
    int nb = r.nextInt(20);
    add(a, r, na, 100, "a");
    add(b, r, nb, 100, "b");
    List<String> edits = new ArrayList<>();
    edits.add(edit(a, r, "from A " + r.nextInt(1000)));
    edits.add(edit(b, r, "from B " + r.nextInt(1000)));
    sync(a);
    if (plainGit) {
      String[] who = {"-c", "user.name=B", "-c", "user.email=b@x"};
      if (!git(b, who, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")) {
        // Both sides changed the same block line: git's own text merge leaves markers (a clone
        // has no merge.memdir driver configured); commit them as a person would.
        git(b, who, "commit", "-q", "-a", "--no-edit");
        counts[5]++;
      }
    } else {
      sync(b);
    }
    counts[0] += shared + na + nb;
    List<Record> h;
    try (Agent agent = Agent.open(b);
        Stream<Record> s = agent.history().stream()) {
      h = s.toList();
    }
    try (Agent agent = Agent.open(b)) {
      List<Record> tail = agent.history().tail(h.size());
      boolean ordered = tail.stream().map(Record::id).distinct().count() == tail.size();
      for (int i = 1; i < tail.size(); i++) {
        ordered &= !tail.get(i).ts().isBefore(tail.get(i - 1).ts());
      }
      if (!ordered) {
        counts[6]++;
      }
    }
    Set<String> ids = new HashSet<>();
    h.forEach(x -> ids.add(x.id()));
    counts[1] += ids.size();
    for (int i = 1; i < h.size(); i++) {
      if (h.get(i).ts().isBefore(h.get(i - 1).ts())) {
        counts[2]++;
        break;
      }
    }
    String human = Files.readString(b.resolve("memory/human.md"));
    for (String e : edits) {
      counts[4]++;
      if (human.contains(e)) {
        counts[3]++;
      }
    }
  }

  private static void add(Path dir, Random r, int n, int minuteBase, String who) {
    try (Agent agent = Agent.open(dir)) {
      long at = 60L * minuteBase;
      for (int i = 0; i < n; i++) {
        at += 1 + r.nextInt(300);
        Instant ts = T0.plusSeconds(at);
        agent.write("history append", () -> agent.history().append(Message.user(who), ts));
      }
    }
  }

  /**
   * A new line at a random place of the human block (the same place on both sides is a conflict).
   */
  private static String edit(Path dir, Random r, String line) {
    try (Agent agent = Agent.open(dir)) {
      int lines = (int) agent.memory().get("human").value().lines().count();
      int at = r.nextInt(lines + 1);
      agent.write("memory insert", () -> agent.memory().insert(Actor.PERSON, "human", line, at));
    }
    return line;
  }

  private static void sync(Path dir) {
    try (AgentRepo repo = AgentRepo.open(Layout.of(dir), Clock.systemUTC())) {
      Sync.Report rep = new Sync(repo).run("origin", "keep-both");
      if (!rep.ok()) {
        throw new IllegalStateException(rep.lines().toString());
      }
    }
  }

  private static boolean hasGit() {
    try {
      return new ProcessBuilder("git", "--version").start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean git(Path dir, String[] config, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(config));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0 && !out.contains("CONFLICT")) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }
    return p.exitValue() == 0;
  }
}
