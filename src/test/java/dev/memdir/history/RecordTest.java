package dev.memdir.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordTest {
  static final String ID = "01JDX3M8Q4ZK6Y5W2R9T7C1B0A";

  static Record parse(String line, List<String> warnings) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return Record.parse(b, 0, b.length, warnings);
  }

  static String error(String line) {
    try {
      parse(line, new ArrayList<>());
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("parsed: " + line);
  }

  @Test
  void aRecordRoundTripsWithUnknownFieldsInTheirOrder() {
    String line =
        "{\"v\":1,\"id\":\""
            + ID
            + "\",\"ts\":\"2026-11-26T08:30:00Z\",\"role\":\"user\",\"content\":\"Hi \\u00e9\\n"
            + "\\\"there\\\"\",\"x_client\":{\"app\":\"cli\",\"n\":[1,2]},\"zz\":null}";
    List<String> warnings = new ArrayList<>();
    Record r = parse(line, warnings);
    assertThat(warnings).isEmpty();
    assertThat(r.id()).isEqualTo(ID);
    assertThat(r.ts()).isEqualTo(Instant.parse("2026-11-26T08:30:00Z"));
    assertThat(r.knownRole()).contains(Role.USER);
    assertThat(r.content()).isEqualTo("Hi é\n\"there\"");
    assertThat(r.field("x_client").orElseThrow().get("app").asText()).isEqualTo("cli");
    assertThat(r.toJson())
        .isEqualTo(
            "{\"v\":1,\"id\":\""
                + ID
                + "\",\"ts\":\"2026-11-26T08:30:00Z\",\"role\":\"user\",\"content\":\"Hi é\\n"
                + "\\\"there\\\"\",\"x_client\":{\"app\":\"cli\",\"n\":[1,2]},\"zz\":null}");
    assertThat(parse(r.toJson(), warnings)).isEqualTo(r);
  }

  @Test
  void aNewRecordPutsVersionIdAndTimeFirstAndEndsItsLineWithANewline() {
    ObjectNode extra = Record.JSON.createObjectNode().put("k", "v");
    Record r =
        Record.create(
            ID, Instant.parse("2026-11-26T08:30:00.120Z"), Message.user("hi").with("meta", extra));
    assertThat(new String(r.toLine(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"v\":1,\"id\":\""
                + ID
                + "\",\"ts\":\"2026-11-26T08:30:00.120Z\",\"role\":\"user\","
                + "\"content\":\"hi\",\"meta\":{\"k\":\"v\"}}\n");
  }

  @Test
  void toolCallsToolResultsAndSummariesHaveTheirFields() {
    var calls = Record.JSON.createArrayNode();
    calls
        .addObject()
        .put("id", "call_1")
        .putObject("function")
        .put("name", "archival_memory_search");
    Instant t = Instant.parse("2026-11-26T08:30:00Z");
    Record call = Record.create(ID, t, Message.toolCalls("", calls));
    Record result =
        Record.create(ID, t, Message.toolResult("call_1", "archival_memory_search", "[]"));
    Record summary = Record.create(ID, t, Message.summary("They met.", "01A", "01B"));
    assertThat(call.toolCalls().orElseThrow().get(0).get("id").asText()).isEqualTo("call_1");
    assertThat(result.toolCallId()).contains("call_1");
    assertThat(result.name()).contains("archival_memory_search");
    assertThat(summary.covers()).contains(new Record.Covers("01A", "01B"));
    assertThat(summary.toJson()).contains("\"covers\":{\"from\":\"01A\",\"to\":\"01B\"}");
  }

  @Test
  void anUnknownRoleIsAWarningNotAnError() {
    List<String> warnings = new ArrayList<>();
    Record r =
        parse(
            "{\"v\":1,\"id\":\"" + ID + "\",\"ts\":\"2026-11-26T08:30:00Z\",\"role\":\"narrator\"}",
            warnings);
    assertThat(r.role()).isEqualTo("narrator");
    assertThat(r.knownRole()).isEmpty();
    assertThat(warnings)
        .containsExactly(
            "unknown role 'narrator' (known: system, user, assistant, tool, summary, event); kept"
                + " as is");
  }

  @Test
  void badLinesAreNamedPrecisely() {
    String ts = "\"ts\":\"2026-11-26T08:30:00Z\"";
    assertThat(error("hello")).startsWith("not JSON: Unrecognized token 'hello'");
    assertThat(error("{\"v\":1,\"id\":\"" + ID + "\"," + ts + ",\"role\":\"user\"} trailing"))
        .startsWith("not JSON: ");
    assertThat(error("[1,2]")).isEqualTo("expected a JSON object, got array");
    assertThat(error("{\"id\":\"" + ID + "\"," + ts + ",\"role\":\"user\"}"))
        .isEqualTo("missing 'v' (the format version, 1)");
    assertThat(error("{\"v\":1," + ts + ",\"role\":\"user\"}")).isEqualTo("missing 'id'");
    assertThat(error("{\"v\":1,\"id\":\"" + ID + "\",\"role\":\"user\"}"))
        .isEqualTo("missing 'ts'");
    assertThat(error("{\"v\":1,\"id\":\"" + ID + "\",\"ts\":\"yesterday\",\"role\":\"user\"}"))
        .isEqualTo(
            "'ts' must be an ISO-8601 UTC time like 2026-11-26T08:30:00Z, got \"yesterday\"");
    assertThat(error("{\"v\":1,\"id\":7," + ts + ",\"role\":\"user\"}"))
        .isEqualTo("'id' must be text, got 7");
    assertThat(error("{\"v\":1,\"id\":\"" + ID + "\"," + ts + "}")).isEqualTo("missing 'role'");
    assertThat(error("{\"v\":1,\"v\":2,\"id\":\"" + ID + "\"," + ts + ",\"role\":\"user\"}"))
        .startsWith("not JSON: Duplicate field 'v'");
    assertThat(
            error(
                "{\"v\":1,\"id\":\""
                    + ID
                    + "\","
                    + ts
                    + ",\"role\":\"summary\",\"covers\":\"all\"}"))
        .isEqualTo("'covers' must be {\"from\": ID, \"to\": ID}, got \"all\"");
    assertThat(
            error(
                "{\"v\":1,\"id\":\""
                    + ID
                    + "\","
                    + ts
                    + ",\"role\":\"assistant\",\"tool_calls\":{}}"))
        .isEqualTo("'tool_calls' must be a list, got object");
  }

  @Test
  void aNewerVersionANonUlidIdAndASummaryWithoutCoversAreWarnings() {
    List<String> warnings = new ArrayList<>();
    parse(
        "{\"v\":2,\"id\":\"msg-1\",\"ts\":\"2026-11-26T08:30:00Z\",\"role\":\"summary\"}",
        warnings);
    assertThat(warnings)
        .containsExactly(
            "format version 2 is newer than this memdir's (1); read as version 1",
            "'id' \"msg-1\" is not a ULID",
            "a summary without 'covers' does not say which records it stands for");
  }

  @Test
  void messagesRefuseBadRolesAndReservedFields() {
    assertThatThrownBy(() -> Message.of("User", "x"))
        .hasMessageStartingWith("invalid role \"User\": use 1 to 32 lower-case letters");
    assertThatThrownBy(
            () -> Message.user("x").with("id", Record.JSON.getNodeFactory().textNode("y")))
        .hasMessage("'id' is set by the log, not by a message");
    ObjectNode json =
        Record.JSON
            .createObjectNode()
            .put("v", 1)
            .put("id", "x")
            .put("role", "tool")
            .put("extra", 1);
    assertThat(Message.fromJson(json).json().toString())
        .isEqualTo("{\"role\":\"tool\",\"extra\":1}");
  }
}
