package dev.memdir.bench.locomo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.memdir.MemdirException;
import dev.memdir.format.TextFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download runs against a real HTTP server on 127.0.0.1 serving the project's own fixture. */
class LocomoDownloadTest {
  @TempDir Path cache;
  HttpServer server;
  final AtomicInteger requests = new AtomicInteger();
  final byte[] body = LocomoFixture.JSON.getBytes(StandardCharsets.UTF_8);
  final String sha = TextFiles.sha256(body);
  final List<String> log = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/data/fixture.json",
        ex -> {
          requests.incrementAndGet();
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void downloadsChecksAndCachesThenReusesTheCache() throws Exception {
    Path p = LocomoDownload.fetch(url("/data/fixture.json"), sha, cache, log::add);
    assertThat(p).isEqualTo(cache.resolve("fixture.json"));
    assertThat(Files.readAllBytes(p)).isEqualTo(body);
    assertThat(LocomoData.read(p).questionCount()).isEqualTo(8);
    LocomoDownload.fetch(url("/data/fixture.json"), sha, cache, log::add);
    assertThat(requests.get()).isEqualTo(1);
    assertThat(log).last().asString().startsWith("using cached");
  }

  @Test
  void aWrongHashIsRefusedAndNothingIsCached() {
    String wrong = "0".repeat(64);
    assertThatThrownBy(
            () -> LocomoDownload.fetch(url("/data/fixture.json"), wrong, cache, log::add))
        .isInstanceOf(MemdirException.class)
        .hasMessageContaining("has sha256 " + sha + ", expected " + wrong);
    assertThat(cache.resolve("fixture.json")).doesNotExist();
  }

  @Test
  void aDamagedCacheIsDownloadedAgain() throws Exception {
    Files.writeString(cache.resolve("fixture.json"), "[{\"sample_id\": \"trunc");
    Path p = LocomoDownload.fetch(url("/data/fixture.json"), sha, cache, log::add);
    assertThat(Files.readAllBytes(p)).isEqualTo(body);
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void httpErrorsAndUnreachableServersAreClear() {
    assertThatThrownBy(() -> LocomoDownload.fetch(url("/missing.json"), sha, cache, log::add))
        .hasMessageContaining("HTTP 404");
    int port = server.getAddress().getPort();
    server.stop(0);
    assertThatThrownBy(
            () ->
                LocomoDownload.fetch(
                    URI.create("http://127.0.0.1:" + port + "/x.json"), sha, cache, log::add))
        .hasMessageContaining("cannot download")
        .hasMessageContaining("pass --data FILE");
  }

  @Test
  void theCacheFollowsXdg() {
    assertThat(LocomoDownload.cacheDir(Map.of("XDG_CACHE_HOME", "/x/cache")))
        .isEqualTo(Path.of("/x/cache/memdir"));
  }
}
