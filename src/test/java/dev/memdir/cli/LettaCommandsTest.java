package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memdir.cli.CliTest.Result;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LettaCommandsTest {
  @TempDir Path tmp;

  private Path fixture(String name) throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/dev/memdir/letta/" + name)) {
      Path out = tmp.resolve(name);
      Files.write(out, in.readAllBytes());
      return out;
    }
  }

  @Test
  void importPrintsWhatWasNotMappedAndExportWritesAFileThatImportsAgain() throws Exception {
    Path dir = tmp.resolve("wren");
    Result r = CliTest.run("import", fixture("wren.af").toString(), dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("imported " + tmp.resolve("wren.af") + " into " + dir + "\n")
        .contains("not mapped or changed (")
        .contains("- agents[0].favorite_bird: unknown field; not mapped\n");
    assertThat(CliTest.run("memory", dir.toString(), "system/human/sightings").out())
        .isEqualTo("Wagtail in the park.\n");
    Path af = tmp.resolve("out.af");
    Result e = CliTest.run("export", dir.toString(), af.toString());
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(e.out()).startsWith("exported " + dir + " to " + af + "\n");
    Result again = CliTest.run("import", af.toString(), tmp.resolve("again").toString(), "--json");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("\"agents\"");
    Result stdout = CliTest.run("export", dir.toString(), "-");
    assertThat(stdout.out()).startsWith("{\n  \"agents\": [");
  }

  @Test
  void aBadFileFailsWithTheFieldsPath() throws Exception {
    Result r =
        CliTest.run("import", fixture("bad-label.af").toString(), tmp.resolve("x").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo("memdir: bad-label.af: agents[0].memory_blocks[2].label: missing\n");
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  @Test
  void memfsImportAndExport() throws Exception {
    Path folder = tmp.resolve("memory/system");
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("human.md"), "---\ndescription: The user.\n---\nAda\n");
    Path dir = tmp.resolve("ada");
    Result r = CliTest.run("import", "--memfs", tmp.resolve("memory").toString(), dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("everything was mapped");
    Result e = CliTest.run("export", "--memfs", dir.toString(), tmp.resolve("back").toString());
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(Files.readString(tmp.resolve("back/system/human.md")))
        .isEqualTo("---\ndescription: The user.\n---\nAda\n");
  }
}
