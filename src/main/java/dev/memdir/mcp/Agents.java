package dev.memdir.mcp;

import dev.memdir.MemdirException;
import dev.memdir.format.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The agent directories one server serves: one ({@code memdir mcp DIR}), or every directory with an
 * {@code agent.yaml} directly under a root ({@code memdir mcp --root DIR}), named by its folder
 * name. Agents open on first use and stay open. A name is looked up among the folders listed, so a
 * client's name never reaches the file system as a path.
 */
final class Agents implements AutoCloseable {
  private final Path dir;
  private final boolean root;
  private final Map<String, McpAgent> open = new TreeMap<>();

  private Agents(Path dir, boolean root) {
    this.dir = dir.toAbsolutePath().normalize();
    this.root = root;
  }

  /**
   * The one agent in {@code dir}, opened now so that a broken directory fails at start.
   *
   * @throws MemdirException when {@code dir} is not an agent directory
   */
  static Agents single(Path dir) {
    Agents a = new Agents(dir, false);
    a.get(a.names().get(0));
    return a;
  }

  /**
   * Every agent under {@code root}.
   *
   * @throws MemdirException when {@code root} is not a directory
   */
  static Agents root(Path root) {
    if (!Files.isDirectory(root)) {
      throw new MemdirException("not a directory: " + root);
    }
    return new Agents(root, true);
  }

  /** Whether calls name their agent. */
  boolean isRoot() {
    return root;
  }

  /** The agent names, sorted. */
  List<String> names() {
    if (!root) {
      return List.of(nameOf(dir));
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> Files.isRegularFile(new Layout(p).agentYaml()))
          .map(Agents::nameOf)
          .filter(n -> !n.startsWith("."))
          .sorted()
          .forEach(names::add);
    } catch (IOException e) {
      throw new MemdirException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return names;
  }

  /** The directory of the agent {@code name}, if it is one of {@link #names()}. */
  Optional<Path> dirOf(String name) {
    if (!names().contains(name)) {
      return Optional.empty();
    }
    return Optional.of(listed(name));
  }

  /** The directory of {@code name}, a name {@link #names()} just gave. */
  Path listed(String name) {
    return root ? dir.resolve(name) : dir;
  }

  /**
   * The agent {@code name}, opened on first use.
   *
   * @throws MemdirException naming the agents there are, when there is no such agent
   */
  synchronized McpAgent get(String name) {
    McpAgent a = open.get(name);
    if (a != null) {
      return a;
    }
    Path d =
        dirOf(name)
            .orElseThrow(
                () ->
                    new MemdirException(
                        "there is no agent '"
                            + name.replaceAll("\\p{Cntrl}", "?")
                            + "'"
                            + (root ? " under " + dir : "")
                            + "; agents: "
                            + String.join(", ", names())));
    a = McpAgent.open(name, d);
    open.put(name, a);
    return a;
  }

  private static String nameOf(Path p) {
    Path f = p.getFileName();
    return f == null ? "agent" : f.toString();
  }

  @Override
  public synchronized void close() {
    open.values().forEach(McpAgent::close);
    open.clear();
  }
}
