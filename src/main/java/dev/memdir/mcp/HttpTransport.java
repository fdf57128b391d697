package dev.memdir.mcp;

import dev.memdir.MemdirException;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The SDK's streamable HTTP transport (a servlet) in an embedded Jetty, at {@code /mcp}. A request
 * must carry {@code Authorization: Bearer TOKEN} when a token is set, and a browser's {@code
 * Origin} must be a loopback one (against DNS rebinding, as the MCP specification asks).
 */
final class HttpTransport implements AutoCloseable {
  /** The endpoint path. */
  static final String ENDPOINT = "/mcp";

  /** The largest request body, in bytes (history_append's 1 MiB of text, escaped, fits). */
  static final int MAX_REQUEST_BYTES = 8 << 20;

  private final Server jetty;
  private final ServerConnector connector;
  private final HttpServletStreamableServerTransportProvider provider;

  private HttpTransport(
      Server jetty,
      ServerConnector connector,
      HttpServletStreamableServerTransportProvider provider) {
    this.jetty = jetty;
    this.connector = connector;
    this.provider = provider;
  }

  /**
   * A transport for {@code host:port}, not listening yet.
   *
   * @throws MemdirException when {@code host} is not a loopback address and there is no token
   */
  static HttpTransport create(String host, int port, Optional<String> token) {
    if (token.isEmpty() && !isLoopback(host)) {
      throw new MemdirException(
          "binding to "
              + host
              + ", which is not a loopback address, needs a bearer token (--token or"
              + " MEMDIR_MCP_TOKEN)");
    }
    token.ifPresent(
        t -> {
          if (t.length() < 16) {
            throw new MemdirException("the bearer token must be at least 16 characters");
          }
        });
    HttpServletStreamableServerTransportProvider provider =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(MemdirMcpServer.MAPPER)
            .mcpEndpoint(ENDPOINT)
            .maxRequestSize(MAX_REQUEST_BYTES)
            .keepAliveInterval(Duration.ofSeconds(30))
            .build();
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost(host);
    connector.setPort(port);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder servlet = new ServletHolder(provider);
    servlet.setAsyncSupported(true);
    context.addServlet(servlet, ENDPOINT);
    FilterHolder guard = new FilterHolder(new Guard(token));
    guard.setAsyncSupported(true);
    context.addFilter(guard, "/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
    jetty.setHandler(context);
    jetty.setStopTimeout(2_000);
    return new HttpTransport(jetty, connector, provider);
  }

  HttpServletStreamableServerTransportProvider provider() {
    return provider;
  }

  /**
   * Starts listening.
   *
   * @throws MemdirException when the port cannot be bound
   */
  void start() {
    try {
      jetty.start();
    } catch (Exception e) {
      throw new MemdirException(
          "cannot listen on "
              + connector.getHost()
              + ":"
              + connector.getPort()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }

  static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Refuses requests without the token, and browsers' requests from other sites. */
  private static final class Guard implements Filter {
    private final Optional<byte[]> expected;

    Guard(Optional<String> token) {
      this.expected = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest r = (HttpServletRequest) req;
      HttpServletResponse w = (HttpServletResponse) res;
      if (expected.isPresent()) {
        String auth = r.getHeader("Authorization");
        byte[] got = auth == null ? new byte[0] : auth.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected.get(), got)) {
          w.setHeader("WWW-Authenticate", "Bearer");
          w.sendError(401, "missing or wrong bearer token");
          return;
        }
      }
      String origin = r.getHeader("Origin");
      if (origin != null && !loopbackOrigin(origin)) {
        w.sendError(403, "origin " + origin + " is not allowed");
        return;
      }
      chain.doFilter(req, res);
    }

    private static boolean loopbackOrigin(String origin) {
      try {
        String host = URI.create(origin).getHost();
        return host != null
            && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }
}
