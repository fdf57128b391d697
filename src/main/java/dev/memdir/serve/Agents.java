package dev.memdir.serve;

import dev.memdir.Agent;
import dev.memdir.MemdirException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The agents one server serves: either a single agent directory, or every subdirectory of a root
 * that holds an {@code agent.yaml}.
 *
 * <p>An agent's id is {@code agent-} followed by the name-based (version 3) UUID of {@code
 * "memdir:" + directory name}: stable across restarts and machines, shaped like Letta's ids. The
 * directory name itself is accepted wherever an id is.
 *
 * <p>Each agent is opened once and kept open (its search index stays warm); it is opened afresh
 * when its agent.yaml changes on disk, so hand edits of the settings take effect.
 */
final class Agents implements AutoCloseable {
  private final Optional<Path> root;
  private final List<Path> single;
  private final Duration lockWait;
  private final Map<Path, Open> open = new ConcurrentHashMap<>();
  private final List<Agent> retired = new ArrayList<>();

  private Agents(Optional<Path> root, List<Path> single, Duration lockWait) {
    this.root = root;
    this.single = List.copyOf(single);
    this.lockWait = lockWait;
  }

  /** The agents under {@code root}, one per subdirectory with an agent.yaml. */
  static Agents root(Path root, Duration lockWait) {
    if (!Files.isDirectory(root)) {
      throw new MemdirException("not a directory: " + root);
    }
    return new Agents(Optional.of(root.toAbsolutePath().normalize()), List.of(), lockWait);
  }

  /** The one agent in {@code dir}. */
  static Agents single(Path dir, Duration lockWait) {
    if (!Files.isRegularFile(dir.resolve("agent.yaml"))) {
      throw new MemdirException("not an agent directory (no agent.yaml): " + dir);
    }
    return new Agents(Optional.empty(), List.of(dir.toAbsolutePath().normalize()), lockWait);
  }

  /** The root new agents are created in, when serving a root. */
  Optional<Path> rootDir() {
    return root;
  }

  /** The stable id of the agent in {@code dir}. */
  static String idOf(Path dir) {
    String name = dir.getFileName().toString();
    return "agent-" + UUID.nameUUIDFromBytes(("memdir:" + name).getBytes(StandardCharsets.UTF_8));
  }

  /** The agent directories, sorted by name. */
  List<Path> dirs() {
    if (root.isEmpty()) {
      return single;
    }
    try (Stream<Path> s = Files.list(root.get())) {
      return s.filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> Files.isRegularFile(p.resolve("agent.yaml")))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new MemdirException("cannot list " + root.get() + ": " + e.getMessage(), e);
    }
  }

  /** The directory of the agent with this id or directory name. */
  Path dir(String idOrName) {
    for (Path d : dirs()) {
      if (idOf(d).equals(idOrName) || d.getFileName().toString().equals(idOrName)) {
        return d;
      }
    }
    throw ApiException.notFound("Agent not found: no agent has the id or directory " + idOrName);
  }

  /** The open agent with this id or directory name. */
  Agent get(String idOrName) {
    return agent(dir(idOrName));
  }

  /** The open agent in {@code dir}, reopened when its agent.yaml changed since it was opened. */
  Agent agent(Path dir) {
    String stamp = stamp(dir);
    Open o =
        open.compute(
            dir,
            (d, old) -> {
              if (old != null && old.stamp.equals(stamp)) {
                return old;
              }
              if (old != null) {
                retire(old.agent);
              }
              return new Open(Agent.open(d, lockWait), stamp);
            });
    return o.agent;
  }

  /** Forgets the agent in {@code dir} (before it is moved away). */
  void forget(Path dir) {
    Open o = open.remove(dir);
    if (o != null) {
      o.agent.close();
    }
  }

  // An agent replaced while another request may still use it is closed with the server.
  private synchronized void retire(Agent a) {
    retired.add(a);
  }

  private static String stamp(Path dir) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(dir.resolve("agent.yaml"), BasicFileAttributes.class);
      return a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
    } catch (IOException e) {
      throw ApiException.notFound("Agent not found: " + dir.getFileName() + " has no agent.yaml");
    }
  }

  @Override
  public synchronized void close() {
    for (Open o : open.values()) {
      o.agent.close();
    }
    open.clear();
    retired.forEach(Agent::close);
    retired.clear();
  }

  private record Open(Agent agent, String stamp) {}
}
