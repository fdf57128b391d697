package dev.memdir.llm.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One reply the server sends, with its faults. Immutable: each {@code with...} method returns a
 * changed copy. Build replies in the API's format with {@link OpenAiReplies} and {@link
 * AnthropicReplies}.
 */
public final class ScriptedReply {
  /** What goes wrong while sending the reply. */
  enum Fault {
    NONE,
    /** Close the connection without answering. */
    DISCONNECT,
    /** Send the headers and only part of the body, then close. */
    TRUNCATE,
    /** Send part of a stream, then close without ending it. */
    DROP,
    /** Send part of a stream, then send nothing more until the server closes. */
    STALL
  }

  final int status;
  final List<Map.Entry<String, String>> headers;
  final byte[] body;
  final List<byte[]> events;
  final Fault fault;
  final int faultAt;
  final Duration delay;
  final Duration eventDelay;
  final Optional<Function<RecordedRequest, ScriptedReply>> dynamic;

  private ScriptedReply(
      int status,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      List<byte[]> events,
      Fault fault,
      int faultAt,
      Duration delay,
      Duration eventDelay,
      Optional<Function<RecordedRequest, ScriptedReply>> dynamic) {
    this.status = status;
    this.headers = List.copyOf(headers);
    this.body = body;
    this.events = List.copyOf(events);
    this.fault = fault;
    this.faultAt = faultAt;
    this.delay = delay;
    this.eventDelay = eventDelay;
    this.dynamic = dynamic;
  }

  /** A JSON reply with {@code status}. */
  public static ScriptedReply json(int status, JsonNode body) {
    return json(status, body.toString());
  }

  /** A reply with {@code status} whose body is {@code text}, sent as JSON even when it is not. */
  public static ScriptedReply json(int status, String text) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be in [100, 599], got " + status);
    }
    return new ScriptedReply(
        status,
        List.of(Map.entry("Content-Type", "application/json")),
        text.getBytes(StandardCharsets.UTF_8),
        List.of(),
        Fault.NONE,
        0,
        Duration.ZERO,
        Duration.ZERO,
        Optional.empty());
  }

  /**
   * A 200 server-sent-event stream, each element one whole event such as {@code "data: {...}"} or
   * {@code "event: ping\ndata: {...}"}; the blank line after each is added.
   */
  public static ScriptedReply events(List<String> events) {
    List<byte[]> bytes = new ArrayList<>();
    for (String e : events) {
      bytes.add((e + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
    return new ScriptedReply(
        200,
        List.of(
            Map.entry("Content-Type", "text/event-stream"), Map.entry("Cache-Control", "no-cache")),
        new byte[0],
        bytes,
        Fault.NONE,
        0,
        Duration.ZERO,
        Duration.ZERO,
        Optional.empty());
  }

  /** A reply that closes the connection as soon as the request is read, answering nothing. */
  public static ScriptedReply disconnect() {
    return json(200, "").fault(Fault.DISCONNECT, 0);
  }

  /** A reply computed from the request when it arrives. */
  public static ScriptedReply computed(Function<RecordedRequest, ScriptedReply> reply) {
    Objects.requireNonNull(reply, "reply");
    return new ScriptedReply(
        200,
        List.of(),
        new byte[0],
        List.of(),
        Fault.NONE,
        0,
        Duration.ZERO,
        Duration.ZERO,
        Optional.of(reply));
  }

  /** This reply with another header. */
  public ScriptedReply withHeader(String name, String value) {
    List<Map.Entry<String, String>> h = new ArrayList<>(headers);
    h.add(Map.entry(name, value));
    return new ScriptedReply(status, h, body, events, fault, faultAt, delay, eventDelay, dynamic);
  }

  /** This reply sent only after {@code wait}. */
  public ScriptedReply withDelay(Duration wait) {
    return new ScriptedReply(
        status, headers, body, events, fault, faultAt, wait, eventDelay, dynamic);
  }

  /** This stream with {@code wait} between events. */
  public ScriptedReply withEventDelay(Duration wait) {
    return new ScriptedReply(status, headers, body, events, fault, faultAt, delay, wait, dynamic);
  }

  /**
   * This reply announcing its whole length but closing the connection after {@code bytes} bytes of
   * the body.
   */
  public ScriptedReply truncatedAfter(int bytes) {
    if (isStream() || bytes < 0 || bytes >= body.length) {
      throw new IllegalArgumentException(
          "truncate a JSON body within its " + body.length + " bytes, got " + bytes);
    }
    return fault(Fault.TRUNCATE, bytes);
  }

  /** This stream closing the connection after {@code n} events, without ending the stream. */
  public ScriptedReply droppedAfter(int n) {
    checkEventCount(n);
    return fault(Fault.DROP, n);
  }

  /** This stream sending {@code n} events and then nothing, until the server closes. */
  public ScriptedReply stalledAfter(int n) {
    checkEventCount(n);
    return fault(Fault.STALL, n);
  }

  boolean isStream() {
    return !events.isEmpty();
  }

  private void checkEventCount(int n) {
    if (!isStream() || n < 0 || n >= events.size()) {
      throw new IllegalArgumentException(
          "cut a stream within its " + events.size() + " events, got " + n);
    }
  }

  private ScriptedReply fault(Fault f, int at) {
    return new ScriptedReply(status, headers, body, events, f, at, delay, eventDelay, dynamic);
  }

  @Override
  public String toString() {
    return "ScriptedReply["
        + status
        + (isStream() ? ", " + events.size() + " events" : "")
        + (fault == Fault.NONE ? "" : ", " + fault.name().toLowerCase() + " at " + faultAt)
        + "]";
  }
}
