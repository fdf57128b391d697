package dev.memdir.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.LlmException;
import dev.memdir.LlmException.Kind;
import dev.memdir.MemdirException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;

/**
 * Sends requests to a model server and retries them by the {@link RetryPolicy}: the one place where
 * HTTP failures become {@link LlmException}s.
 */
final class Http {
  /** The largest reply read; a chat reply is far smaller. */
  static final long MAX_REPLY_BYTES = 32L << 20;

  private static final long MAX_ERROR_BYTES = 64 << 10;
  private static final String USER_AGENT =
      "memdir/"
          + java.util.Objects.requireNonNullElse(
              Http.class.getPackage().getImplementationVersion(), "dev");
  private static final System.Logger LOG = System.getLogger(Http.class.getName());

  private final ModelConfig config;
  private final HttpClient client;

  Http(ModelConfig config) {
    this.config = config;
    // HTTP/1.1: the JDK's h2c upgrade attempt on plain http confuses some local servers.
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.connectTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** Reads a successful reply. */
  @FunctionalInterface
  interface Handler<T> {
    T handle(BodyStream body, Progress progress) throws IOException;
  }

  /** Whether a streamed reply has reached the caller, after which it is not retried. */
  static final class Progress {
    private boolean delivered;

    void delivered() {
      delivered = true;
    }

    boolean isDelivered() {
      return delivered;
    }
  }

  /**
   * Sends a request, retrying transient failures, and reads the reply with {@code handler}.
   *
   * @param path appended to the base URL, such as {@code /chat/completions}
   * @param body the JSON body to POST, or empty for a GET
   * @param headers extra headers, keys included; never logged
   * @param streaming whether the reply is a stream, timed by silence instead of total time
   */
  <T> T send(
      String path,
      Optional<JsonNode> body,
      Map<String, String> headers,
      boolean streaming,
      Handler<T> handler) {
    RetryPolicy policy = config.retry();
    Duration waited = Duration.ZERO;
    HttpRequest request = request(path, body, headers, streaming);
    for (int attempt = 1; ; attempt++) {
      Progress progress = new Progress();
      Failure failure;
      try {
        return once(request, streaming, handler, progress);
      } catch (Failure f) {
        failure = f;
      }
      LlmException e = failure.error;
      if (!e.retryable() || progress.isDelivered()) {
        throw e;
      }
      if (attempt >= policy.maxAttempts() || e.kind() == Kind.BAD_MODEL_OUTPUT && attempt >= 2) {
        throw gaveUp(e, attempt + (attempt == 1 ? " try" : " tries"));
      }
      Optional<Duration> delay = policy.delay(attempt, failure.retryAfter, waited);
      if (delay.isEmpty()) {
        throw gaveUp(
            e,
            failure.retryAfter.isPresent()
                ? "the server asked to wait "
                    + failure.retryAfter.get().toSeconds()
                    + " s, past the retry budget"
                : attempt + " tries, retry budget of " + policy.budget().toSeconds() + " s spent");
      }
      int retry = attempt;
      LOG.log(
          Level.DEBUG,
          () -> "retry " + retry + " in " + delay.get().toMillis() + " ms: " + e.getMessage());
      try {
        policy.sleeper().sleep(delay.get());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new MemdirException("interrupted while waiting to retry: " + e.getMessage(), e);
      }
      waited = waited.plus(delay.get());
    }
  }

  private HttpRequest request(
      String path, Optional<JsonNode> body, Map<String, String> headers, boolean streaming) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(config.baseUrl() + path))
            .timeout(config.timeout())
            .header("User-Agent", USER_AGENT)
            .header("Accept", streaming ? "text/event-stream" : "application/json");
    headers.forEach(b::header);
    if (body.isPresent()) {
      byte[] bytes = body.get().toString().getBytes(StandardCharsets.UTF_8);
      b.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    } else {
      b.GET();
    }
    return b.build();
  }

  private <T> T once(
      HttpRequest request, boolean streaming, Handler<T> handler, Progress progress) {
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofPublisher());
    } catch (HttpConnectTimeoutException e) {
      throw fail(
          Kind.UNREACHABLE,
          "no connection to "
              + config.baseUrl()
              + " within "
              + config.connectTimeout().toSeconds()
              + " s",
          unreachableAdvice(),
          e);
    } catch (HttpTimeoutException e) {
      throw fail(
          Kind.TIMEOUT,
          "no reply from " + config.baseUrl() + " within " + config.timeout().toSeconds() + " s",
          "the server is busy or the model is slow; try" + " again",
          e);
    } catch (ConnectException e) {
      throw fail(
          Kind.UNREACHABLE,
          "cannot connect to " + config.baseUrl() + " (" + reason(e) + ")",
          unreachableAdvice(),
          e);
    } catch (IOException e) {
      throw fail(
          Kind.CONNECTION,
          "the connection to " + config.baseUrl() + " closed before a reply (" + reason(e) + ")",
          "try again",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MemdirException("interrupted while waiting for " + config.label());
    }
    long timeout = config.timeout().toNanos();
    BodyStream body =
        new BodyStream(timeout, streaming ? Long.MAX_VALUE : timeout, MAX_REPLY_BYTES);
    response.body().subscribe(body);
    try (body) {
      int status = response.statusCode();
      if (status < 200 || status > 299) {
        String text = new String(readCapped(body), StandardCharsets.UTF_8);
        throw new Failure(
            Errors.fromStatus(config, status, text),
            retryAfter(response.headers().firstValue("retry-after")));
      }
      return handler.handle(body, progress);
    } catch (LlmException e) {
      throw new Failure(e, Optional.empty());
    } catch (BodyStream.TooLargeException e) {
      throw fail(Kind.BAD_RESPONSE, e.getMessage(), "check base_url points at a model server", e);
    } catch (HttpTimeoutException e) {
      throw fail(
          Kind.TIMEOUT,
          (streaming ? "the stream from " : "the reply from ")
              + config.baseUrl()
              + " stalled for "
              + config.timeout().toSeconds()
              + " s",
          "try again",
          e);
    } catch (IOException e) {
      throw fail(
          Kind.TRUNCATED,
          "the reply from "
              + config.baseUrl()
              + " was cut off after "
              + body.bytesRead()
              + " bytes ("
              + reason(e)
              + ")",
          "try again",
          e);
    }
  }

  private static byte[] readCapped(BodyStream body) {
    try {
      return body.readNBytes((int) MAX_ERROR_BYTES);
    } catch (IOException e) {
      return new byte[0]; // the status alone still says what failed
    }
  }

  private String unreachableAdvice() {
    return config.provider() == Provider.OLLAMA
        ? "start Ollama (`ollama serve`) or point OLLAMA_HOST / --base-url at it"
        : "check the server is running and base_url / --base-url is right";
  }

  private Failure fail(Kind kind, String what, String todo, Throwable cause) {
    String message = config.mask(config.label() + ": " + what + ": " + todo);
    return new Failure(new LlmException(kind, 0, message, cause), Optional.empty());
  }

  private static LlmException gaveUp(LlmException e, String why) {
    return new LlmException(
        e.kind(), e.status(), e.getMessage() + " (gave up after " + why + ")", e);
  }

  private static String reason(Throwable e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.replaceAll("\\s+", " ").strip();
  }

  /** A {@code Retry-After} header: delta-seconds or an HTTP date. */
  static Optional<Duration> retryAfter(Optional<String> header) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String v = header.get().strip();
    try {
      double seconds = Double.parseDouble(v);
      if (seconds >= 0 && seconds < 86_400) {
        return Optional.of(Duration.ofMillis((long) (seconds * 1000)));
      }
      return Optional.empty();
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (java.time.format.DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }

  /** One failed try: the error and the server's requested wait. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final transient LlmException error;
    final transient Optional<Duration> retryAfter;

    Failure(LlmException error, Optional<Duration> retryAfter) {
      super(error.getMessage(), null, false, false);
      this.error = error;
      this.retryAfter = retryAfter;
    }
  }
}
