package dev.memdir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.llm.scripted.AnthropicReplies;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.RecordedRequest;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DoctorCommandTest {
  private static final String KEY = "sk-doctor-test-0123456789";
  private static final ScriptedToolCall PING = new ScriptedToolCall("call_1", "ping", "{}");

  @TempDir Path tmp;
  private ScriptedServer server;
  private Path dir;
  private String out;

  @BeforeEach
  void start() {
    server = ScriptedServer.start();
    dir = tmp.resolve("agent");
    Agent.init(
            dir,
            new InitOptions(
                Optional.empty(), Optional.empty(), Optional.empty(), "ollama/qwen2.5:7b"))
        .close();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int doctor(Map<String, String> env, String... args) {
    StringWriter sw = new StringWriter();
    CommandLine cl = new CommandLine(new DoctorCommand(env));
    cl.setOut(new PrintWriter(sw, true));
    cl.setErr(new PrintWriter(sw, true));
    List<String> all = new ArrayList<>(List.of(dir.toString()));
    all.addAll(List.of(args));
    int code = cl.execute(all.toArray(String[]::new));
    out = sw.toString();
    return code;
  }

  @Test
  void aHealthyOllamaAgentChecksOutOkOnEveryLine() {
    server.models("qwen2.5:7b", "llama3.1:8b");
    server.enqueue(OpenAiReplies.toolCalls(PING));

    int code = doctor(Map.of(), "--base-url", server.openAiBaseUrl());

    assertThat(out)
        .isEqualTo(
            "ok       agent: "
                + dir
                + " is valid (0 error(s), 0 warning(s))\n"
                + "ok       model: ollama/qwen2.5:7b at "
                + server.openAiBaseUrl()
                + " (no key needed)\n"
                + "ok       endpoint: "
                + server.openAiBaseUrl()
                + " answers and serves"
                + " 'qwen2.5:7b'\n"
                + "ok       tools: the model accepts tools and called one (28 tokens)\n");
    assertThat(code).isZero();
    assertThat(server.takeRequest().path()).isEqualTo("/v1/models");
    RecordedRequest probe = server.takeRequest();
    assertThat(probe.rejection()).isEmpty();
    assertThat(probe.json().path("tools").get(0).path("function").path("name").asText())
        .isEqualTo("ping");
  }

  @Test
  void anEndpointThatIsDownIsAProblemAndToolsAreSkipped() {
    server.close();

    int code = doctor(Map.of(), "--base-url", server.openAiBaseUrl());

    assertThat(code).isEqualTo(1);
    assertThat(out)
        .contains(
            "problem  endpoint: ollama/qwen2.5:7b: cannot connect to " + server.openAiBaseUrl())
        .contains("start Ollama (`ollama serve`) or point OLLAMA_HOST / --base-url at it")
        .contains("skipped  tools: not checked: the endpoint check failed");
  }

  @Test
  void aModelTheServerDoesNotListSaysHowToGetIt() {
    server.models("llama3.1:8b");

    int code = doctor(Map.of(), "--base-url", server.openAiBaseUrl());

    assertThat(code).isEqualTo(1);
    assertThat(out)
        .contains(
            "problem  endpoint: "
                + server.openAiBaseUrl()
                + " answers but does"
                + " not list 'qwen2.5:7b': pull it with `ollama pull qwen2.5:7b` or pick one of these:"
                + " llama3.1:8b");
  }

  @Test
  void aModelWithoutToolSupportIsAProblem() {
    server.withoutToolSupport("qwen2.5:7b");

    int code = doctor(Map.of(), "--base-url", server.openAiBaseUrl());

    assertThat(code).isEqualTo(1);
    assertThat(out)
        .contains(
            "problem  tools: ollama/qwen2.5:7b: model 'qwen2.5:7b' does not" + " accept tools");
  }

  @Test
  void aModelThatAnswersInTextIsAWarningNotAProblem() {
    server.enqueue(OpenAiReplies.text("pong"));

    int code = doctor(Map.of(), "--base-url", server.openAiBaseUrl());

    assertThat(code).isZero();
    assertThat(out).contains("warning  tools: the model accepts tools but answered in text");
  }

  @Test
  void aMissingKeyIsNamedAndNothingIsSent() {
    int code = doctor(Map.of(), "--model", "openai/gpt-4o-mini");

    assertThat(code).isEqualTo(1);
    assertThat(out)
        .contains(
            "problem  model: openai/gpt-4o-mini at https://api.openai.com/v1"
                + " (OPENAI_API_KEY missing): OPENAI_API_KEY is not set: export OPENAI_API_KEY=...")
        .contains("skipped  endpoint: not checked: no key");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void anthropicIsCheckedWithItsOwnFormatAndTheKeyIsNeverPrinted() {
    server.requireApiKey(KEY).models("claude-sonnet-4-5");
    server.enqueue(AnthropicReplies.toolUse("", new ScriptedToolCall("toolu_1", "ping", "{}")));

    int code =
        doctor(
            Map.of("ANTHROPIC_API_KEY", KEY),
            "--model",
            "anthropic/claude-sonnet-4-5",
            "--base-url",
            server.url(),
            "--json");

    JsonNode json = parse(out);
    assertThat(json.path("ok").asBoolean()).as(out).isTrue();
    assertThat(code).isZero();
    assertThat(json.path("checks")).hasSize(4);
    assertThat(json.path("checks").get(1).path("message").asText())
        .endsWith("(ANTHROPIC_API_KEY set)");
    assertThat(out).doesNotContain(KEY);
    server.takeRequest();
    assertThat(server.takeRequest().rejection()).isEmpty();
  }

  @Test
  void aWrongKeyIsAProblemThatNamesTheVariableButNotTheKey() {
    server.requireApiKey(KEY);
    String wrong = "sk-wrong-0000000000000000";

    int code =
        doctor(
            Map.of("OPENAI_API_KEY", wrong),
            "--model",
            "openai/gpt-4o-mini",
            "--base-url",
            server.openAiBaseUrl());

    assertThat(code).isEqualTo(1);
    assertThat(out)
        .contains("problem  endpoint: openai/gpt-4o-mini: the API key was rejected")
        .contains("set OPENAI_API_KEY to a valid key")
        .doesNotContain(wrong)
        .doesNotContain("0000000000");
  }

  @Test
  void aBrokenAgentYamlIsAProblemAndTheModelIsSkippedWithoutModelOption() throws Exception {
    Files.writeString(dir.resolve("agent.yaml"), "model: [unclosed\n");

    int code = doctor(Map.of());

    assertThat(code).isEqualTo(1);
    assertThat(out)
        .startsWith("problem  agent: " + dir + ": 1 error(s)")
        .contains("skipped  model: not checked: agent.yaml cannot be read");
  }

  @Test
  void doctorIsACommandOfMemdir() {
    StringWriter sw = new StringWriter();
    int code =
        Main.run(
            new String[] {"doctor", dir.toString(), "--base-url", "http://127.0.0.1:1/v1"},
            new ByteArrayInputStream(new byte[0]),
            new PrintWriter(sw),
            new PrintWriter(sw));

    assertThat(code).isEqualTo(1);
    assertThat(sw.toString())
        .contains(
            "problem  endpoint: ollama/qwen2.5:7b: cannot connect to" + " http://127.0.0.1:1/v1");
  }

  private static JsonNode parse(String text) {
    try {
      return Cli.JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError(text, e);
    }
  }
}
