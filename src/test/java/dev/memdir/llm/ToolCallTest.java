package dev.memdir.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ToolCallTest {
  @Test
  void emptyArgumentsMeanNoArguments() {
    assertThat(ToolCall.of("c", "f", "").arguments().orElseThrow()).isEmpty();
  }

  @Test
  void trailingGarbageAndTooLongArgumentsAreErrorsNotExceptions() {
    assertThat(ToolCall.of("c", "f", "{\"a\":1} x").argumentsError()).isPresent();
    String huge = "{\"a\":\"" + "x".repeat(ToolCall.MAX_ARGUMENT_CHARS) + "\"}";
    assertThat(ToolCall.of("c", "f", huge).argumentsError().orElseThrow())
        .contains("over the limit of " + ToolCall.MAX_ARGUMENT_CHARS);
  }

  @Test
  void randomBytesNeverThrow() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    String alphabet = "{}[]\":,0123456789abc \\nutrefl-.e";
    try {
      for (int i = 0; i < 2000; i++) {
        StringBuilder sb = new StringBuilder();
        for (int j = random.nextInt(40); j > 0; j--) {
          sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        ToolCall c = ToolCall.of("c", "f", sb.toString());
        assertThat(c.argumentsValid()).isNotEqualTo(c.argumentsError().isPresent());
      }
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError("seed " + seed + ": " + e, e);
    }
  }

  @Test
  void deeplyNestedArgumentsAreAnErrorNotAStackOverflow() {
    String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

    assertThat(ToolCall.of("c", "f", deep).argumentsError()).isPresent();
  }

  @Test
  void theParsedArgumentsCannotBeChangedFromOutside() {
    ToolCall c = ToolCall.of("c", "f", "{\"a\":1}");
    ObjectNode copy = c.arguments().orElseThrow();
    copy.put("a", 2);

    assertThat(c.arguments().orElseThrow().path("a").asInt()).isEqualTo(1);
  }

  @Test
  void toolSpecsDemandAnObjectSchemaAndAnApiSafeName() {
    ObjectNode string = Json.MAPPER.createObjectNode().put("type", "string");
    assertThatThrownBy(() -> new ToolSpec("f", "", string))
        .hasMessage("parameters of tool 'f' must be a JSON schema with \"type\": \"object\"");
    assertThatThrownBy(() -> new ToolSpec("get weather", "", string))
        .hasMessage("tool name must be 1 to 64 of a-z A-Z 0-9 _ -, got \"get weather\"");
    assertThatThrownBy(() -> ChatRequest.of(List.of(), List.of()))
        .hasMessage("a request needs at least one message");
  }
}
