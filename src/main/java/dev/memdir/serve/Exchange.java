package dev.memdir.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/** One request and its response, with blocking helpers for bodies, JSON and server-sent events. */
final class Exchange {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The largest request body read. */
  static final int MAX_BODY_BYTES = 4 << 20;

  final Request request;
  final Response response;
  final Callback callback;
  final String method;
  final String path;
  private final Fields query;
  private boolean done;

  Exchange(Request request, Response response, Callback callback) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.method = request.getMethod();
    this.path = Request.getPathInContext(request);
    this.query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
  }

  /** The path split at '/', without empty parts, each part URL-decoded. */
  List<String> parts() {
    List<String> out = new ArrayList<>();
    for (String p : path.split("/")) {
      if (!p.isEmpty()) {
        out.add(URLDecoder.decode(p, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  Optional<String> param(String name) {
    String v = query.getValue(name);
    return v == null ? Optional.empty() : Optional.of(v);
  }

  List<String> params(String name) {
    List<String> v = query.getValues(name);
    List<String> out = new ArrayList<>();
    if (v != null) {
      out.addAll(v);
    }
    List<String> bracketed = query.getValues(name + "[]");
    if (bracketed != null) {
      out.addAll(bracketed);
    }
    return out;
  }

  Optional<Integer> intParam(String name) {
    Optional<String> v = param(name).filter(s -> !s.isBlank());
    try {
      return v.map(Integer::parseInt);
    } catch (NumberFormatException e) {
      throw ApiException.invalid(
          "query parameter '" + name + "' must be an integer, got \"" + v.get() + "\"");
    }
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(request.getHeaders().get(name));
  }

  String body() {
    if (request.getLength() > MAX_BODY_BYTES) {
      throw new ApiException(413, "request body is over " + MAX_BODY_BYTES + " bytes");
    }
    try {
      java.nio.ByteBuffer buf = Content.Source.asByteBuffer(request);
      if (buf.remaining() > MAX_BODY_BYTES) {
        throw new ApiException(413, "request body is over " + MAX_BODY_BYTES + " bytes");
      }
      byte[] b = new byte[buf.remaining()];
      buf.get(b);
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ApiException(400, "cannot read the request body: " + e.getMessage());
    }
  }

  /** The body as a JSON object; an empty body is an empty object. */
  ObjectNode jsonBody() {
    String b = body();
    if (b.isBlank()) {
      return JSON.createObjectNode();
    }
    // A JSON body must say so: a browser sends text/plain across origins without asking first.
    String type = header("Content-Type").orElse("");
    if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(
          415,
          "the request body must be JSON with Content-Type: application/json, got \""
              + type
              + "\"");
    }
    JsonNode n;
    try {
      n = JSON.readTree(b);
    } catch (JsonProcessingException e) {
      throw ApiException.invalid(
          "request body is not JSON: line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage());
    }
    if (!(n instanceof ObjectNode o)) {
      throw ApiException.invalid("request body must be a JSON object");
    }
    return o;
  }

  /** The body as {@code application/x-www-form-urlencoded} fields, the last value of each. */
  Map<String, String> formBody() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : body().split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  void json(int status, Object value) {
    try {
      send(status, "application/json", JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  void html(int status, String page) {
    send(status, "text/html; charset=utf-8", page);
  }

  void text(int status, String contentType, String text) {
    send(status, contentType, text);
  }

  void redirect(String location) {
    response.setStatus(303);
    response.getHeaders().put(HttpHeader.LOCATION, location);
    done = true;
    Content.Sink.write(response, true, "", callback);
  }

  void error(int status, String detail) {
    if (path.startsWith("/v1")) {
      json(status, JSON.createObjectNode().put("detail", detail));
    } else {
      html(status, Html.errorPage(status, detail));
    }
  }

  boolean done() {
    return done;
  }

  private void send(int status, String contentType, String text) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    done = true;
    Content.Sink.write(response, true, text, callback);
  }

  /** Starts a server-sent event stream; the caller writes events, then closes it. */
  EventStream events() {
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    done = true;
    return new EventStream(Content.Sink.asOutputStream(response), callback);
  }

  /** A server-sent event stream; every event is flushed as it is written. */
  static final class EventStream implements AutoCloseable {
    private final OutputStream out;
    private final Callback callback;
    private boolean broken;

    EventStream(OutputStream out, Callback callback) {
      this.out = out;
      this.callback = callback;
    }

    /** Writes {@code data: <json>}; returns false once the client has gone. */
    synchronized boolean data(Object json) {
      try {
        return raw("data: " + JSON.writeValueAsString(json) + "\n\n");
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write JSON", e);
      }
    }

    /** Writes an event with a name; {@code data} must not hold a newline. */
    synchronized boolean event(String name, String data) {
      return raw("event: " + name + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n");
    }

    synchronized boolean raw(String text) {
      if (broken) {
        return false;
      }
      try {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return true;
      } catch (IOException e) {
        broken = true;
        return false;
      }
    }

    @Override
    public synchronized void close() {
      try {
        out.close();
        callback.succeeded();
      } catch (IOException e) {
        callback.failed(e);
      }
    }
  }
}
