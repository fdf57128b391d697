package dev.memdir.bench.locomo;

import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.TextFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Fetches the public LoCoMo file into the user's cache folder and checks its SHA-256. The data is
 * CC BY-NC, so memdir never ships it; it downloads it for the user instead.
 */
public final class LocomoDownload {
  /** The public file in the snap-research/LoCoMo repository. */
  public static final String DEFAULT_URL =
      "https://raw.githubusercontent.com/snap-research/LoCoMo/main/data/locomo10.json";

  /** The SHA-256 of the public file (2,805,274 bytes). */
  public static final String DEFAULT_SHA256 =
      "79fa87e90f04081343b8c8debecb80a9a6842b76a7aa537dc9fdf651ea698ff4";

  private LocomoDownload() {}

  /**
   * The cache folder: {@code $XDG_CACHE_HOME/memdir}, else {@code ~/.cache/memdir}.
   *
   * @param env the environment (passed in so tests never touch the real one)
   */
  public static Path cacheDir(Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "memdir");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "memdir");
  }

  /**
   * Returns the cached file when its hash matches; otherwise downloads {@code url} to a temporary
   * file, checks its hash, and only then moves it into the cache.
   *
   * @param log receives one line per step (stderr in the CLI)
   * @throws MemdirException when the download fails or the hash differs (nothing is cached then)
   */
  public static Path fetch(
      URI url, String expectedSha256, Path cacheDir, java.util.function.Consumer<String> log) {
    String name = fileName(url);
    Path target = cacheDir.resolve(name);
    if (Files.isRegularFile(target)) {
      String have = sha256(target);
      if (have.equalsIgnoreCase(expectedSha256)) {
        log.accept("using cached " + target);
        return target;
      }
      log.accept(
          "cached "
              + target
              + " has sha256 "
              + have
              + ", expected "
              + expectedSha256
              + "; downloading again");
    }
    log.accept("downloading " + url);
    byte[] bytes = download(url);
    String got = TextFiles.sha256(bytes);
    if (!got.equalsIgnoreCase(expectedSha256)) {
      throw new MemdirException(
          "downloaded "
              + url
              + " ("
              + bytes.length
              + " bytes) has sha256 "
              + got
              + ", expected "
              + expectedSha256
              + "; not using it (pass --data FILE to use a local copy)");
    }
    AtomicFiles.write(target, bytes);
    log.accept("saved " + target + " (" + bytes.length + " bytes, sha256 ok)");
    return target;
  }

  private static byte[] download(URI url) {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2)).GET().build();
    try {
      HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = resp.body()) {
        if (resp.statusCode() != 200) {
          throw new MemdirException(
              "cannot download "
                  + url
                  + ": HTTP "
                  + resp.statusCode()
                  + " (pass --data FILE to use a local copy)");
        }
        byte[] bytes = in.readNBytes((int) LocomoData.MAX_BYTES + 1);
        if (bytes.length > LocomoData.MAX_BYTES) {
          throw new MemdirException(
              "cannot download " + url + ": larger than " + LocomoData.MAX_BYTES + " bytes");
        }
        return bytes;
      }
    } catch (IOException e) {
      throw new MemdirException(
          "cannot download "
              + url
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + " (no network? pass --data FILE to use a local copy)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MemdirException("download of " + url + " interrupted", e);
    }
  }

  private static String fileName(URI url) {
    String path = url.getPath() == null ? "" : url.getPath();
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.matches("[A-Za-z0-9._-]{1,100}") ? name : "locomo-data.json";
  }

  private static String sha256(Path file) {
    return TextFiles.sha256(TextFiles.readBytes(file, file.toString(), LocomoData.MAX_BYTES));
  }
}
