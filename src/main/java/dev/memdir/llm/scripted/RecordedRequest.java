package dev.memdir.llm.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request the server received.
 *
 * @param method {@code GET} or {@code POST}
 * @param path the path with the query, such as {@code /v1/chat/completions}
 * @param headers the headers, names in lower case
 * @param body the raw body
 * @param rejection the error message the server answered with when the request was invalid
 */
public record RecordedRequest(
    String method,
    String path,
    Map<String, List<String>> headers,
    byte[] body,
    Optional<String> rejection) {

  /** Validates and copies the fields. */
  public RecordedRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    headers = Map.copyOf(headers);
    body = body.clone();
    Objects.requireNonNull(rejection, "rejection");
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body parsed as JSON, or a missing node when it is not JSON. */
  public JsonNode json() {
    try {
      JsonNode n = Wire.MAPPER.readTree(body);
      return n == null ? Wire.MAPPER.missingNode() : n;
    } catch (java.io.IOException e) {
      return Wire.MAPPER.missingNode();
    }
  }

  /** The first value of a header, by case-insensitive name. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** A copy of the raw body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public String toString() {
    // Headers are left out: they hold the API key.
    return method
        + " "
        + path
        + " "
        + bodyText()
        + rejection.map(r -> " (rejected: " + r + ")").orElse("");
  }
}
