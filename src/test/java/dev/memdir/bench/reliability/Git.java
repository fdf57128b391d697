package dev.memdir.bench.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The agent directory as a person keeps it: in git. Debris is what {@code git add -A} would stage
 * that is not the person's data: temporary and aside files, anything under {@code .memdir/}.
 * Without git, the files themselves are listed.
 */
final class Git {
  private final Path dir;
  private final boolean available;

  private Git(Path dir, boolean available) {
    this.dir = dir;
    this.available = available;
  }

  static Git init(Path dir) throws IOException, InterruptedException {
    Git g = new Git(dir, true);
    boolean ok = g.run("init", "-q") != null;
    Git git = new Git(dir, ok);
    if (ok) {
      git.run("add", "-A");
      git.run("commit", "-q", "--allow-empty", "-m", "agent");
    }
    return git;
  }

  /** Whether git ran; otherwise debris is found by listing files. */
  boolean available() {
    return available;
  }

  /** The debris a {@code git add -A} now stages; commits what it staged. */
  List<String> debris() throws IOException, InterruptedException {
    List<String> names = new ArrayList<>();
    if (available) {
      run("add", "-A");
      String staged = run("diff", "--cached", "--name-only", "-z");
      if (staged != null) {
        for (String n : staged.split("\0")) {
          if (!n.isEmpty()) {
            names.add(n);
          }
        }
      }
      run("commit", "-q", "--allow-empty", "-m", "after a kill");
    } else {
      try (Stream<Path> s = Files.walk(dir)) {
        s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).forEach(names::add);
      }
      names.removeIf(n -> n.startsWith(".memdir/"));
    }
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (isDebris(n)) {
        out.add("debris staged by git add -A: " + n);
      }
    }
    return out;
  }

  static boolean isDebris(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return path.startsWith(".memdir/")
        || path.contains("/.memdir/")
        || name.endsWith(".tmp")
        || name.endsWith(".aside")
        || name.endsWith(".partial");
  }

  private String run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=campaign"));
    cmd.addAll(List.of("-c", "user.email=campaign@localhost", "-c", "commit.gpgsign=false"));
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      return null; // no git on this machine
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      return null;
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
