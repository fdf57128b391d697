package dev.memdir.llm.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted model server on 127.0.0.1 that speaks OpenAI's and Anthropic's wire formats.
 *
 * <pre>
 * try (ScriptedServer server = ScriptedServer.start()) {
 *   server.enqueue(OpenAiReplies.text("Hello!"));
 *   // point a client at server.openAiBaseUrl() and send a request
 *   RecordedRequest sent = server.takeRequest();
 *   assertThat(sent.json().path("model").asText()).isEqualTo("gpt-4o-mini");
 * }
 * </pre>
 *
 * <p>Routes: {@code POST .../chat/completions} is checked as an OpenAI request, {@code POST
 * .../v1/messages} as an Anthropic one, {@code GET .../models} lists {@link #models} in the format
 * the request's headers suggest ({@code anthropic-version} means Anthropic). A valid request gets
 * the next enqueued reply; an invalid one gets the real API's 400 error and leaves the queue alone.
 * When the queue is empty the server answers 500 with a message that says so.
 */
public final class ScriptedServer implements AutoCloseable {
  /** The largest request body read. */
  static final int MAX_BODY_BYTES = 32 << 20;

  private static final Duration TAKE_TIMEOUT = Duration.ofSeconds(10);

  private final ServerSocket serverSocket;
  private final BlockingQueue<ScriptedReply> replies = new LinkedBlockingQueue<>();
  private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
  private final AtomicInteger requestCount = new AtomicInteger();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<String> modelsWithoutTools = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Optional<String> apiKey = Optional.empty();
  private volatile List<String> models = List.of();

  private ScriptedServer(ServerSocket serverSocket) {
    this.serverSocket = serverSocket;
    Thread acceptor = new Thread(this::acceptLoop, "scripted-server-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a server on a free port of 127.0.0.1. */
  public static ScriptedServer start() {
    try {
      return new ScriptedServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the scripted server", e);
    }
  }

  /** The port the server listens on. */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /** The server's root, such as {@code http://127.0.0.1:41234}: an Anthropic base URL. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** The base URL for an OpenAI-compatible client: {@link #url()} plus {@code /v1}. */
  public String openAiBaseUrl() {
    return url() + "/v1";
  }

  /** Adds a reply to the end of the queue. */
  public ScriptedServer enqueue(ScriptedReply reply) {
    replies.add(reply);
    return this;
  }

  /**
   * Demands this key, as {@code Authorization: Bearer} or {@code x-api-key}; requests without it
   * get the API's 401.
   */
  public ScriptedServer requireApiKey(String key) {
    this.apiKey = Optional.of(key);
    return this;
  }

  /**
   * Serves only these models: the models listing shows them, and a request naming another gets the
   * API's 404. By default any model is accepted and the listing is empty.
   */
  public ScriptedServer models(String... ids) {
    this.models = List.of(ids);
    return this;
  }

  /** Refuses requests with tools for {@code model}, as Ollama does for models without tools. */
  public ScriptedServer withoutToolSupport(String model) {
    modelsWithoutTools.add(model);
    return this;
  }

  /**
   * The next request received, waiting up to 10 seconds for it.
   *
   * @throws IllegalStateException when none arrives
   */
  public RecordedRequest takeRequest() {
    return takeRequest(TAKE_TIMEOUT)
        .orElseThrow(() -> new IllegalStateException("no request within " + TAKE_TIMEOUT));
  }

  /** The next request received, waiting up to {@code timeout}. */
  public Optional<RecordedRequest> takeRequest(Duration timeout) {
    try {
      return Optional.ofNullable(requests.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** How many requests arrived so far. */
  public int requestCount() {
    return requestCount.get();
  }

  /** How many enqueued replies are still unused. */
  public int pendingReplies() {
    return replies.size();
  }

  /** Stops the server and closes every connection, stalled streams included. */
  @Override
  public void close() {
    closed.countDown();
    try {
      serverSocket.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        return; // closed
      }
      sockets.add(socket);
      Thread t = new Thread(() -> serve(socket), "scripted-connection-" + socket.getPort());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      // Without these, head and body leave in two packets and delayed ACKs cost 40 ms each.
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      while (handle(in, out)) {
        // keep-alive: the next request on the same connection
      }
    } catch (IOException e) {
      // the client went away; nothing to answer
    } finally {
      sockets.remove(socket);
    }
  }

  /** Answers one request; false when the connection must close. */
  private boolean handle(InputStream in, OutputStream out) throws IOException {
    HttpRequestHead head = HttpRequestHead.read(in);
    if (head == null) {
      return false;
    }
    byte[] body = head.readBody(in);
    requestCount.incrementAndGet();
    Answer answer = answer(head, body);
    RecordedRequest recorded =
        new RecordedRequest(
            head.method, head.target, head.headers, body, answer.rejection.map(Rejection::message));
    requests.add(recorded);
    if (answer.rejection.isPresent()) {
      Rejection r = answer.rejection.get();
      return write(out, ScriptedReply.json(r.status(), r.body())) && head.keepAlive();
    }
    ScriptedReply reply = answer.reply;
    while (reply.dynamic.isPresent()) {
      reply = reply.dynamic.get().apply(recorded);
    }
    return write(out, reply) && head.keepAlive();
  }

  private record Answer(Optional<Rejection> rejection, ScriptedReply reply) {
    static Answer reject(Rejection r) {
      return new Answer(Optional.of(r), null);
    }
  }

  private Answer answer(HttpRequestHead head, byte[] bytes) {
    String path = head.path();
    boolean anthropic =
        head.header("anthropic-version").isPresent() || path.endsWith("/v1/messages");
    Optional<Rejection> auth = checkKey(head, anthropic);
    if (auth.isPresent()) {
      return Answer.reject(auth.get());
    }
    if (head.method.equals("GET") && path.endsWith("/models")) {
      return new Answer(Optional.empty(), ScriptedReply.json(200, modelList(anthropic)));
    }
    boolean chat = head.method.equals("POST") && path.endsWith("/chat/completions");
    boolean messages = head.method.equals("POST") && path.endsWith("/v1/messages");
    if (!chat && !messages) {
      return Answer.reject(
          anthropic
              ? Rejection.anthropic(404, "not_found_error", "Not Found")
              : Rejection.openAi(
                  404,
                  "Invalid URL (" + head.method + " " + path + ")",
                  "invalid_request_error",
                  null,
                  null));
    }
    if (messages && head.header("anthropic-version").isEmpty()) {
      return Answer.reject(Rejection.anthropic("anthropic-version: header is required"));
    }
    JsonNode body;
    try {
      body = Wire.MAPPER.readTree(bytes);
    } catch (IOException e) {
      body = null;
    }
    if (body == null) {
      return Answer.reject(
          chat
              ? Rejection.openAi(
                  "We could not parse the JSON body of your request. (HINT: This"
                      + " likely means you aren't using your HTTP library correctly. The OpenAI API"
                      + " expects a JSON payload, but what was sent was not valid JSON.)",
                  null,
                  null)
              : Rejection.anthropic(
                  "There was an issue with the formatting or content of your"
                      + " request: the body is not valid JSON."));
    }
    Optional<Rejection> invalid =
        chat ? OpenAiValidator.check(body) : AnthropicValidator.check(body);
    if (invalid.isPresent()) {
      return Answer.reject(invalid.get());
    }
    String model = Wire.text(body, "model");
    if (!models.isEmpty() && !models.contains(model)) {
      return Answer.reject(
          chat
              ? Rejection.openAi(
                  404,
                  "The model `" + model + "` does not exist or you do not have" + " access to it.",
                  "invalid_request_error",
                  null,
                  "model_not_found")
              : Rejection.anthropic(404, "not_found_error", "model: " + model));
    }
    if (modelsWithoutTools.contains(model) && body.has("tools")) {
      return Answer.reject(
          chat
              ? Rejection.openAi(
                  400,
                  "registry.ollama.ai/library/" + model + " does not support tools",
                  "api_error",
                  null,
                  null)
              : Rejection.anthropic("tools: this model does not support tools"));
    }
    ScriptedReply reply = replies.poll();
    if (reply == null) {
      String message =
          "the scripted server has no reply left for "
              + head.method
              + " "
              + path
              + ": enqueue one per request";
      return Answer.reject(
          chat
              ? Rejection.openAi(500, message, "server_error", null, null)
              : Rejection.anthropic(500, "api_error", message));
    }
    return new Answer(Optional.empty(), reply);
  }

  private Optional<Rejection> checkKey(HttpRequestHead head, boolean anthropic) {
    if (apiKey.isEmpty()) {
      return Optional.empty();
    }
    String key = apiKey.get();
    if (anthropic) {
      Optional<String> sent = head.header("x-api-key");
      if (sent.isEmpty()) {
        return Optional.of(
            Rejection.anthropic(401, "authentication_error", "x-api-key header is required"));
      }
      return sent.get().equals(key)
          ? Optional.empty()
          : Optional.of(Rejection.anthropic(401, "authentication_error", "invalid x-api-key"));
    }
    Optional<String> auth = head.header("authorization");
    if (auth.isEmpty()) {
      return Optional.of(
          Rejection.openAi(
              401,
              "You didn't provide an API key. You need to"
                  + " provide your API key in an Authorization header using Bearer auth (i.e."
                  + " Authorization: Bearer YOUR_KEY).",
              "invalid_request_error",
              null,
              null));
    }
    String sent = auth.get().startsWith("Bearer ") ? auth.get().substring(7) : auth.get();
    if (sent.equals(key)) {
      return Optional.empty();
    }
    String shown =
        sent.length() > 8
            ? sent.substring(0, 4)
                + "*".repeat(sent.length() - 8)
                + sent.substring(sent.length() - 4)
            : "****";
    return Optional.of(
        Rejection.openAi(
            401,
            "Incorrect API key provided: "
                + shown
                + ". You"
                + " can find your API key at https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            null,
            "invalid_api_key"));
  }

  private ObjectNode modelList(boolean anthropic) {
    ObjectNode root = Wire.object();
    if (!anthropic) {
      root.put("object", "list");
    }
    ArrayNode data = root.putArray("data");
    for (String id : models) {
      if (anthropic) {
        data.addObject()
            .put("type", "model")
            .put("id", id)
            .put("display_name", id)
            .put("created_at", "2025-01-01T00:00:00Z");
      } else {
        data.addObject()
            .put("id", id)
            .put("object", "model")
            .put("created", 1_700_000_000L)
            .put("owned_by", "scripted");
      }
    }
    if (anthropic) {
      root.put("has_more", false);
      if (models.isEmpty()) {
        root.putNull("first_id").putNull("last_id");
      } else {
        root.put("first_id", models.get(0)).put("last_id", models.get(models.size() - 1));
      }
    }
    return root;
  }

  /** Writes a reply; false when it ended the connection on purpose. */
  private boolean write(OutputStream out, ScriptedReply reply) throws IOException {
    if (reply.dynamic.isPresent()) {
      throw new IllegalStateException("computed replies are resolved before writing");
    }
    if (!reply.delay.isZero() && waitOrClosed(reply.delay)) {
      return false;
    }
    if (reply.fault == ScriptedReply.Fault.DISCONNECT) {
      return false;
    }
    StringBuilder head = new StringBuilder();
    head.append("HTTP/1.1 ")
        .append(reply.status)
        .append(' ')
        .append(reason(reply.status))
        .append("\r\n");
    for (Map.Entry<String, String> h : reply.headers) {
      head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    if (reply.isStream()) {
      head.append("Transfer-Encoding: chunked\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      for (int i = 0; i < reply.events.size(); i++) {
        if (i == reply.faultAt && reply.fault == ScriptedReply.Fault.DROP) {
          return false;
        }
        if (i == reply.faultAt && reply.fault == ScriptedReply.Fault.STALL) {
          waitOrClosed(Duration.ofDays(1));
          return false;
        }
        byte[] e = reply.events.get(i);
        out.write((Integer.toHexString(e.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(e);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        if (!reply.eventDelay.isZero() && waitOrClosed(reply.eventDelay)) {
          return false;
        }
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    }
    head.append("Content-Length: ").append(reply.body.length).append("\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (reply.fault == ScriptedReply.Fault.TRUNCATE) {
      out.write(reply.body, 0, reply.faultAt);
      out.flush();
      return false;
    }
    out.write(reply.body);
    out.flush();
    return true;
  }

  /** Waits; true when the server closed meanwhile. */
  private boolean waitOrClosed(Duration d) {
    try {
      return closed.await(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 408 -> "Request Timeout";
      case 413 -> "Payload Too Large";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 529 -> "Overloaded";
      default -> "Status";
    };
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** The request line and headers of one HTTP/1.1 request. */
  private static final class HttpRequestHead {
    final String method;
    final String target;
    final Map<String, List<String>> headers;

    private HttpRequestHead(String method, String target, Map<String, List<String>> headers) {
      this.method = method;
      this.target = target;
      this.headers = headers;
    }

    static HttpRequestHead read(InputStream in) throws IOException {
      String line = readLine(in);
      while (line != null && line.isEmpty()) {
        line = readLine(in);
      }
      if (line == null) {
        return null;
      }
      String[] parts = line.split(" ");
      if (parts.length != 3) {
        throw new IOException("bad request line: " + line);
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
        int colon = h.indexOf(':');
        if (colon > 0) {
          headers
              .computeIfAbsent(
                  h.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
              .add(h.substring(colon + 1).strip());
        }
        if (headers.size() > 200) {
          throw new IOException("too many headers");
        }
      }
      return new HttpRequestHead(parts[0], parts[1], headers);
    }

    String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    Optional<String> header(String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    boolean keepAlive() {
      return !header("connection").map(c -> c.equalsIgnoreCase("close")).orElse(false);
    }

    byte[] readBody(InputStream in) throws IOException {
      if (header("transfer-encoding").map(t -> t.equalsIgnoreCase("chunked")).orElse(false)) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
          String size = readLine(in);
          if (size == null) {
            throw new IOException("chunked body ends early");
          }
          int semi = size.indexOf(';');
          int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
          if (n == 0) {
            while (true) {
              String trailer = readLine(in);
              if (trailer == null || trailer.isEmpty()) {
                return body.toByteArray();
              }
            }
          }
          if (body.size() + n > MAX_BODY_BYTES) {
            throw new IOException("request body too large");
          }
          body.write(in.readNBytes(n));
          readLine(in);
        }
      }
      int length = header("content-length").map(Integer::parseInt).orElse(0);
      if (length < 0 || length > MAX_BODY_BYTES) {
        throw new IOException("bad content-length " + length);
      }
      byte[] body = in.readNBytes(length);
      if (body.length < length) {
        throw new SocketException("request body ends early");
      }
      return body;
    }

    private static String readLine(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int c = in.read(); ; c = in.read()) {
        if (c < 0) {
          return sb.length() == 0 ? null : sb.toString();
        }
        if (c == '\n') {
          int len = sb.length();
          return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
        }
        sb.append((char) c);
        if (sb.length() > 16 << 10) {
          throw new IOException("header line too long");
        }
      }
    }
  }
}
