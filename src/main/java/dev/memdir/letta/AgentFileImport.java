package dev.memdir.letta;

import dev.memdir.MemdirException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Imports a Letta agent file ({@code .af}) into agent directories:
 *
 * <pre>
 * ImportReport r = AgentFileImport.importFile(Path.of("ezra.af"), Path.of("agents/ezra"));
 * r.items().forEach(System.out::println); // what could not be mapped
 * </pre>
 *
 * <p>A file with one agent becomes {@code targetDir}; a file with several becomes one folder per
 * agent inside {@code targetDir}, named after the agent. Each agent directory gets {@value
 * ImportReport#FILE}. The whole file is checked before anything is written; a bad field throws a
 * {@link LettaFormatException} such as {@code bad.af: agents[0].memory_blocks[2].label: missing},
 * and each agent is written into a hidden folder and moved into place when complete.
 */
public final class AgentFileImport {
  /** The largest agent file read (Letta's own exports of long-lived agents reach a few MiB). */
  public static final long MAX_BYTES = 256L << 20;

  private AgentFileImport() {}

  /** Imports {@code af} into {@code targetDir} (absent or empty). */
  public static ImportReport importFile(Path af, Path targetDir) {
    byte[] bytes;
    try {
      if (Files.size(af) > MAX_BYTES) {
        throw new MemdirException(af + " is over " + (MAX_BYTES >> 20) + " MiB; not read");
      }
      bytes = Files.readAllBytes(af);
    } catch (IOException e) {
      throw new MemdirException("cannot read " + af + ": " + e.getMessage(), e);
    }
    return importBytes(bytes, af.getFileName().toString(), targetDir);
  }

  /**
   * Imports an agent file read from {@code in} (not closed).
   *
   * @param name the file's name, for messages and the report
   */
  public static ImportReport importStream(InputStream in, String name, Path targetDir) {
    try {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_BYTES + 1));
      if (bytes.length > MAX_BYTES) {
        throw new MemdirException(name + " is over " + (MAX_BYTES >> 20) + " MiB; not read");
      }
      return importBytes(bytes, name, targetDir);
    } catch (IOException e) {
      throw new MemdirException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  /** Imports an agent file's bytes. */
  public static ImportReport importBytes(byte[] bytes, String name, Path targetDir) {
    AfReader.Read read = AfReader.read(bytes, name);
    List<Path> targets = new ArrayList<>();
    if (read.agents().size() == 1) {
      targets.add(targetDir);
    } else {
      if (Files.isRegularFile(targetDir)) {
        throw new MemdirException(targetDir + " is a file; give a folder for the agents");
      }
      read.agents().forEach(a -> targets.add(targetDir.resolve(a.dirName())));
    }
    AgentWriter.checkTargets(targets);
    ImportReport report = new ImportReport(name, targets, read.items());
    String markdown = report.toMarkdown();
    try {
      Files.createDirectories(targetDir.toAbsolutePath().getParent());
      if (targets.size() > 1) {
        Files.createDirectories(targetDir);
      }
    } catch (IOException e) {
      throw new MemdirException("cannot create " + targetDir + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < targets.size(); i++) {
      AgentWriter.write(read.agents().get(i), targets.get(i), markdown);
    }
    return report;
  }
}
