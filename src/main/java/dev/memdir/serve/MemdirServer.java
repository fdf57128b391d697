package dev.memdir.serve;

import dev.memdir.AgentBusyException;
import dev.memdir.ConfigException;
import dev.memdir.EditException;
import dev.memdir.LlmException;
import dev.memdir.MemdirException;
import dev.memdir.ToolException;
import dev.memdir.format.AgentConfig;
import dev.memdir.llm.ChatModel;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code memdir serve}: the Letta-compatible API under {@code /v1} and the web view under {@code
 * /ui} for one agent directory or a root of them.
 *
 * <pre>
 * try (MemdirServer s = MemdirServer.start(MemdirServer.Options.root(Path.of("agents")))) {
 *   System.out.println(s.url());   // http://127.0.0.1:8283
 * }
 * </pre>
 */
public final class MemdirServer implements AutoCloseable {
  /** Letta's default port. */
  public static final int DEFAULT_PORT = 8283;

  private static final System.Logger LOG = System.getLogger(MemdirServer.class.getName());

  // Jetty's start-up lines (version, connector) are INFO; memdir's stderr carries only warnings.
  // Held in a field: java.util.logging keeps loggers weakly, and a collected one loses its level.
  private static final java.util.logging.Logger JETTY_LOG =
      java.util.logging.Logger.getLogger("org.eclipse.jetty");

  static {
    if (JETTY_LOG.getLevel() == null) {
      JETTY_LOG.setLevel(java.util.logging.Level.WARNING);
    }
  }

  private final Server jetty;
  private final Agents agents;
  private final WebView web;
  private final String host;

  private MemdirServer(Server jetty, Agents agents, WebView web, String host) {
    this.jetty = jetty;
    this.agents = agents;
    this.web = web;
    this.host = host;
  }

  /**
   * What to serve and how.
   *
   * @param dir one agent directory, or a root of agent directories when {@code root} is set
   * @param root whether {@code dir} holds agents in its subdirectories
   * @param host the address to bind; anything but loopback needs a token
   * @param port the port, 0 for any free one
   * @param token the bearer token every request must carry, if any
   * @param models the model a turn of an agent uses
   * @param lockWait how long a write waits for another writer
   */
  public record Options(
      Path dir,
      boolean root,
      String host,
      int port,
      Optional<String> token,
      Function<AgentConfig, ChatModel> models,
      Duration lockWait) {
    /** Validates. */
    public Options {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(token, "token");
      Objects.requireNonNull(models, "models");
      Objects.requireNonNull(lockWait, "lockWait");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
      }
      if (token.isPresent() && token.get().isBlank()) {
        throw new IllegalArgumentException("the token must not be blank");
      }
    }
  }

  /**
   * Starts serving.
   *
   * @throws MemdirException when the host is not loopback and no token is given, or the port is
   *     taken
   */
  public static MemdirServer start(Options o) {
    if (!isLoopback(o.host()) && o.token().isEmpty()) {
      throw new MemdirException(
          "serving on "
              + o.host()
              + " needs a token (--token or MEMDIR_SERVE_TOKEN): anyone who reaches the port could"
              + " read and change the agents");
    }
    Agents agents =
        o.root() ? Agents.root(o.dir(), o.lockWait()) : Agents.single(o.dir(), o.lockWait());
    QueuedThreadPool pool = new QueuedThreadPool(200, 8);
    pool.setName("memdir-serve");
    Server jetty = new Server(pool);
    ServerConnector c = new ServerConnector(jetty);
    c.setHost(o.host());
    c.setPort(o.port());
    jetty.addConnector(c);
    LettaApi api = new LettaApi(agents, o.models()::apply);
    WebView web = new WebView(agents);
    jetty.setHandler(
        new Root(
            api,
            web,
            o.token(),
            isLoopback(o.host()) ? Optional.of(hostNames(o.host())) : Optional.empty(),
            c::getLocalPort));
    try {
      jetty.start();
    } catch (Exception e) {
      agents.close();
      throw new MemdirException(
          "cannot serve on " + o.host() + ":" + o.port() + ": " + e.getMessage(), e);
    }
    return new MemdirServer(jetty, agents, web, o.host());
  }

  /** The port served. */
  public int port() {
    return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  /** The server's base URL. */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port();
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() {
    web.stop();
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "memdir serve: stopping the server: " + e, e);
    } finally {
      agents.close();
    }
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The names a Host header may carry for a server bound to the loopback address {@code host}. */
  static java.util.Set<String> hostNames(String host) {
    String bound = host.toLowerCase(java.util.Locale.ROOT);
    if (bound.contains(":") && !bound.startsWith("[")) {
      bound = "[" + bound + "]";
    }
    return java.util.stream.Stream.of("localhost", "127.0.0.1", "[::1]", bound)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** Checks the token, routes {@code /v1} and the web view, and turns exceptions into statuses. */
  private static final class Root extends Handler.Abstract {
    private static final String COOKIE = "memdir_token";
    private final LettaApi api;
    private final WebView web;
    private final Optional<String> token;
    private final Optional<java.util.Set<String>> hostNames;
    private final java.util.function.IntSupplier port;

    Root(
        LettaApi api,
        WebView web,
        Optional<String> token,
        Optional<java.util.Set<String>> hostNames,
        java.util.function.IntSupplier port) {
      this.api = api;
      this.web = web;
      this.token = token;
      this.hostNames = hostNames;
      this.port = port;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Exchange x = new Exchange(request, response, callback);
      try {
        refuseForeignHost(x);
        if (!authorised(x)) {
          throw new ApiException(401, "a token is required: Authorization: Bearer TOKEN");
        }
        refuseCrossOrigin(x);
        if (x.path.equals("/v1") || x.path.startsWith("/v1/")) {
          api.handle(x);
        } else {
          web.handle(x);
        }
      } catch (ApiException e) {
        fail(x, e.status(), e.getMessage());
      } catch (AgentBusyException e) {
        fail(x, 409, e.getMessage());
      } catch (EditException | ConfigException | ToolException | IllegalArgumentException e) {
        fail(x, 422, e.getMessage());
      } catch (LlmException e) {
        fail(x, 502, "the model failed: " + e.getMessage());
      } catch (MemdirException e) {
        fail(x, 400, e.getMessage());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "memdir serve: " + x.method + " " + x.path, e);
        fail(x, 500, "internal error: " + e);
      }
      return true;
    }

    private static void fail(Exchange x, int status, String detail) {
      if (x.done()) {
        LOG.log(
            System.Logger.Level.WARNING,
            "memdir serve: " + x.method + " " + x.path + " failed after answering: " + detail);
        return;
      }
      x.error(status, detail);
    }

    /**
     * A web page of another origin may not change agents: a browser sends {@code Origin} with a
     * cross-site POST, and it must name this server. (Reading is already blocked by the browser.)
     */
    private static void refuseCrossOrigin(Exchange x) {
      if (x.method.equals("GET") || x.method.equals("HEAD")) {
        return;
      }
      Optional<String> origin = x.header("Origin");
      Optional<String> host = x.header("Host");
      if (origin.isPresent()
          && !(host.isPresent()
              && (origin.get().equals("http://" + host.get())
                  || origin.get().equals("https://" + host.get())))) {
        throw new ApiException(
            403, "cross-origin request refused: Origin " + origin.get() + " is not this server");
      }
    }

    /**
     * DNS rebinding: a page of another site may point its own name at 127.0.0.1 and so reach this
     * server as "same origin". Its requests then carry that name in {@code Host}; served on
     * loopback, only loopback names and this server's port are accepted. (A request without {@code
     * Host}, HTTP/1.0 from a tool, comes from no browser and passes.)
     */
    private void refuseForeignHost(Exchange x) {
      if (hostNames.isEmpty()) {
        return;
      }
      Optional<String> header = x.header("Host");
      if (header.isEmpty()) {
        return;
      }
      String h = header.get().trim().toLowerCase(java.util.Locale.ROOT);
      int colon = h.lastIndexOf(':');
      String name = h;
      String portPart = "80";
      if (colon >= 0 && colon > h.lastIndexOf(']')) {
        name = h.substring(0, colon);
        portPart = h.substring(colon + 1);
      }
      int p = port.getAsInt();
      if (!hostNames.get().contains(name) || !portPart.equals(Integer.toString(p))) {
        throw new ApiException(
            421,
            "Host "
                + header.get()
                + " is not this server: served on loopback, memdir serve answers only"
                + " localhost, 127.0.0.1 or [::1] on port "
                + p
                + " (a refusal that stops DNS rebinding; bind another --host with --token to"
                + " serve other names)");
      }
    }

    private boolean authorised(Exchange x) {
      if (token.isEmpty()) {
        return true;
      }
      String want = token.get();
      Optional<String> auth = x.header("Authorization");
      if (auth.isPresent() && auth.get().startsWith("Bearer ")) {
        return same(auth.get().substring(7), want);
      }
      Optional<String> q = x.param("token");
      if (q.isPresent() && same(q.get(), want)) {
        x.response.getHeaders().add("Set-Cookie", COOKIE + "=" + want + "; Path=/; HttpOnly");
        return true;
      }
      for (HttpCookie c : Request.getCookies(x.request)) {
        if (c.getName().equals(COOKIE) && same(c.getValue(), want)) {
          return true;
        }
      }
      return false;
    }

    private static boolean same(String a, String b) {
      return MessageDigest.isEqual(
          a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
  }
}
