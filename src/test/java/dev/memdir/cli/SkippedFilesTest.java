package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files the search tools cannot read, and linked folders, are reported, never skipped silently. */
class SkippedFilesTest {
  @TempDir Path tmp;

  @Test
  void validateAndSearchReportBinaryNonUtf8AndLinkedFolders() throws Exception {
    Path dir = tmp.resolve("ada");
    assertThat(CliTest.run("init", dir.toString(), "--model", "anthropic/x").code()).isZero();
    Path files = dir.resolve("files");
    Files.write(files.resolve("latin1.txt"), new byte[] {'l', 'a', 'k', 'e', ' ', (byte) 0xE9});
    Files.write(files.resolve("image.bin"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1});
    Files.writeString(files.resolve("ok.md"), "the lake\n");
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("n.md"), "lake notes\n");
    Files.createSymbolicLink(files.resolve("linked"), outside);

    CliTest.Result v = CliTest.run("validate", dir.toString());
    assertThat(v.out())
        .contains("files/latin1.txt: warning: not UTF-8 text; the search tools skip it")
        .contains("files/image.bin: warning: a binary file; the search tools skip it")
        .contains("files/linked: warning: a symbolic link to a folder; links are not followed")
        .contains("3 warning(s)");

    CliTest.Result s = CliTest.run("search", dir.toString(), "lake");
    assertThat(s.code()).as(s.err()).isZero();
    assertThat(s.out()).contains("ok.md:1");
    assertThat(s.err())
        .contains("note: 3 files skipped: ")
        .contains("files/latin1.txt")
        .contains("files/image.bin")
        .contains("files/linked");
  }
}
