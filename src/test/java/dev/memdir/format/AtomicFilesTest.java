package dev.memdir.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memdir.MemdirException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writeReplacesTheFileAndLeavesNoTemporaryFiles() throws Exception {
    Path f = dir.resolve("sub/x.md");
    AtomicFiles.write(f, "one\n");
    AtomicFiles.write(f, "two\n");
    assertThat(Files.readString(f, StandardCharsets.UTF_8)).isEqualTo("two\n");
    try (Stream<Path> s = Files.list(f.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("x.md");
    }
  }

  @Test
  void aFileWhereTheFolderShouldBeFailsClearlyAndWritesNothing() throws Exception {
    Files.writeString(dir.resolve("memory"), "not a folder");
    assertThatThrownBy(() -> AtomicFiles.write(dir.resolve("memory/human.md"), "x"))
        .isInstanceOf(MemdirException.class)
        .hasMessageContaining("cannot write")
        .hasMessageContaining("human.md");
    assertThat(Files.readString(dir.resolve("memory"))).isEqualTo("not a folder");
  }

  @Test
  void aReplacedFileKeepsItsPermissionsWhateverTheUmask() throws Exception {
    for (String mode : new String[] {"rw-r--r--", "rw-rw-r--", "rw-rw-rw-", "rw-------"}) {
      Path f = dir.resolve("kept-" + mode + ".md");
      Files.writeString(f, "one\n");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
      AtomicFiles.write(f, "two\n");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
          .as("mode after a write of a file that had " + mode)
          .isEqualTo(mode);
      assertThat(AtomicFiles.compareAndSwap(f, b("two\n"), b("three\n"))).isTrue();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
          .as("mode after a compare-and-swap of a file that had " + mode)
          .isEqualTo(mode);
    }
  }

  @Test
  void aNewFileGetsThePermissionsAnyNewFileInItsFolderGets() throws Exception {
    Path probe = Files.createFile(dir.resolve("probe"));
    Set<PosixFilePermission> umasked = Files.getPosixFilePermissions(probe);
    Path f = dir.resolve("new.md");
    AtomicFiles.write(f, "x\n");
    assertThat(Files.getPosixFilePermissions(f)).isEqualTo(umasked);
    Path g = dir.resolve("created.md");
    assertThat(AtomicFiles.createNew(g, b("x\n"))).isTrue();
    assertThat(Files.getPosixFilePermissions(g)).isEqualTo(umasked);
  }

  @Test
  void inAnAgentDirectoryTemporaryFilesNeverAppearBesideTheFile() throws Exception {
    Files.writeString(dir.resolve("agent.yaml"), "name: a\n");
    Path f = dir.resolve("memory/human.md");
    AtomicFiles.write(f, "one\n");
    assertThat(AtomicFiles.compareAndSwap(f, b("one\n"), b("two\n"))).isTrue();
    try (Stream<Path> s = Files.list(f.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("human.md");
    }
    assertThat(Files.readString(f)).isEqualTo("two\n");
  }

  @Test
  void temporaryFilesOfDeadProcessesAreCleanedUpAndALiveOnesAreKept() throws Exception {
    Path scratch = Files.createDirectories(dir.resolve(".memdir/tmp"));
    Files.writeString(dir.resolve("agent.yaml"), "name: a\n");
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Path debris = scratch.resolve(".human.md." + dead.pid() + ".k3j9.tmp");
    Path live = scratch.resolve(".human.md." + ProcessHandle.current().pid() + ".x7.tmp");
    Files.writeString(debris, "half");
    Files.writeString(live, "being written");
    assertThat(Asides.cleanTemps(scratch)).isEqualTo(1);
    assertThat(debris).doesNotExist();
    assertThat(live).exists();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
