package dev.memdir.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.LlmException;
import dev.memdir.LlmException.Kind;
import java.util.Locale;

/**
 * Turns a failed HTTP reply into an {@link LlmException} whose one-line message says what happened
 * and what to do. Knows the error shapes of OpenAI ({@code {"error": {"message", "type",
 * "code"}}}), Anthropic ({@code {"type": "error", "error": {"type", "message"}}}) and the
 * OpenAI-compatible servers (Ollama, vLLM, llama.cpp), whose messages are matched by their words.
 */
final class Errors {
  private static final int MAX_DETAIL = 300;

  private Errors() {}

  /** The error for a reply with {@code status} and {@code body}. */
  static LlmException fromStatus(ModelConfig config, int status, String body) {
    JsonNode error = errorNode(body);
    String detail = detail(config, error, body);
    String type =
        (Json.text(error, "type") + " " + Json.text(error, "code")).toLowerCase(Locale.ROOT);
    String lower = detail.toLowerCase(Locale.ROOT);
    String http = "HTTP " + status + (detail.isEmpty() ? "" : ": " + detail);
    String keyVar = config.provider().keyVariable().orElse("the API key variable");
    if (type.contains("insufficient_quota")
        || lower.contains("exceeded your current quota")
        || lower.contains("credit balance is too low")) {
      return error(
          config,
          Kind.QUOTA,
          status,
          "the account has no quota or credit left (" + http + ")",
          "check billing for the key in " + keyVar);
    }
    if (type.contains("tool_use_failed")) {
      return error(
          config,
          Kind.BAD_MODEL_OUTPUT,
          status,
          "the model wrote a tool call the server could not accept (" + http + ")",
          "memdir tried once more; if it keeps failing, pick a model that calls tools reliably");
    }
    if (status == 401
        || type.contains("authentication_error")
        || type.contains("invalid_api_key")) {
      String what =
          config.apiKey().isPresent()
              ? "the API key was rejected (" + http + ")"
              : "the server wants an API key and none was sent (" + http + ")";
      return error(config, Kind.AUTH, status, what, "set " + keyVar + " to a valid key");
    }
    if (status == 403 || type.contains("permission_error")) {
      return error(
          config,
          Kind.AUTH,
          status,
          "the API key may not do this (" + http + ")",
          "check the key's permissions for model '" + config.model() + "'");
    }
    if (noToolSupport(lower)) {
      return error(
          config,
          Kind.NO_TOOL_SUPPORT,
          status,
          "model '" + config.model() + "' does not accept tools (" + http + ")",
          toolAdvice(lower));
    }
    if (contextTooLong(status, type, lower)) {
      return error(
          config,
          Kind.CONTEXT_TOO_LONG,
          status,
          "the prompt is longer than the model's context window (" + http + ")",
          "lower context_window in agent.yaml or shorten core memory");
    }
    if (unknownModel(status, type, lower)) {
      return error(
          config,
          Kind.UNKNOWN_MODEL,
          status,
          "the server does not know model '" + config.model() + "' (" + http + ")",
          config.provider() == Provider.OLLAMA
              ? "pull it with `ollama pull "
                  + config.model()
                  + "` or fix the name in --model / agent.yaml"
              : "check the name after '"
                  + config.provider().word()
                  + "/' in --model / agent.yaml; `memdir doctor` lists what the server has");
    }
    if (status == 404) {
      return error(
          config,
          Kind.BAD_REQUEST,
          status,
          "no such endpoint at " + config.baseUrl() + " (" + http + ")",
          config.provider().openAiCompatible()
              ? "check base_url: OpenAI-compatible servers usually end in /v1"
              : "check base_url: it should be the server root, such as https://api.anthropic.com");
    }
    if (status == 400 && maxTokensField(lower)) {
      boolean wantsNew =
          lower.contains("max_completion_tokens") && lower.contains("max_tokens")
              ? lower.indexOf("max_tokens") < lower.indexOf("max_completion_tokens")
              : !lower.contains("max_completion_tokens");
      return error(
          config,
          Kind.BAD_REQUEST,
          status,
          "the server refused the reply-length parameter (" + http + ")",
          "set max_tokens_field: "
              + (wantsNew ? "max_completion_tokens" : "max_tokens")
              + " in agent.yaml (memdir sends "
              + (wantsNew ? "max_tokens" : "max_completion_tokens")
              + " to this server now)");
    }
    if (status == 429) {
      return error(
          config,
          Kind.RATE_LIMITED,
          status,
          "rate limited (" + http + ")",
          "wait a minute and try again, or send fewer requests");
    }
    if (status == 408) {
      return error(
          config,
          Kind.TIMEOUT,
          status,
          "the server timed out the request (" + http + ")",
          "try again");
    }
    if (status >= 500 || status == 409) {
      return error(
          config,
          Kind.SERVER_ERROR,
          status,
          "the server failed (" + http + ")",
          "try again later; if it persists, check the server's status or logs");
    }
    return error(
        config,
        Kind.BAD_REQUEST,
        status,
        "the server refused the request (" + http + ")",
        "the model or server does not accept this request as sent; check the model's name and"
            + " settings in agent.yaml against the provider's documentation");
  }

  /** Whether a 400's message is about max_tokens / max_completion_tokens. */
  private static boolean maxTokensField(String lower) {
    return (lower.contains("max_tokens") || lower.contains("max_completion_tokens"))
        && (lower.contains("unsupported")
            || lower.contains("not supported")
            || lower.contains("unrecognized")
            || lower.contains("unknown")
            || lower.contains("extra inputs")
            || lower.contains("instead"));
  }

  /** The error for an error object inside a 200 reply or a stream, as some servers send. */
  static LlmException fromErrorObject(ModelConfig config, JsonNode root) {
    JsonNode error = root.has("error") ? root.get("error") : root;
    int status = 0;
    JsonNode code = error.get("code");
    if (code != null && code.canConvertToInt() && code.asInt() >= 400 && code.asInt() < 600) {
      status = code.asInt();
    }
    String type = Json.text(error, "type");
    if (status == 0) {
      status =
          switch (type) {
            case "overloaded_error", "api_error" -> 529;
            case "rate_limit_error" -> 429;
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            default -> 500;
          };
    }
    return fromStatus(config, status, root.toString());
  }

  static LlmException error(ModelConfig config, Kind kind, int status, String what, String todo) {
    return new LlmException(kind, status, config.mask(config.label() + ": " + what + ": " + todo));
  }

  private static boolean noToolSupport(String lower) {
    return lower.contains("does not support tools")
        || lower.contains("does not support tool")
        || lower.contains("tools are not supported")
        || lower.contains("tool use is not supported")
        || lower.contains("does not support function calling")
        || lower.contains("enable-auto-tool-choice")
        || lower.contains("--jinja");
  }

  private static String toolAdvice(String lower) {
    if (lower.contains("enable-auto-tool-choice")) {
      return "start vLLM with --enable-auto-tool-choice --tool-call-parser <parser>";
    }
    if (lower.contains("--jinja")) {
      return "start llama-server with --jinja";
    }
    return "pick a model that supports tool calling (for Ollama, e.g. qwen2.5 or llama3.1)";
  }

  private static boolean contextTooLong(int status, String type, String lower) {
    return status == 413
        || type.contains("context_length_exceeded")
        || type.contains("request_too_large")
        || lower.contains("maximum context length")
        || lower.contains("context length")
        || lower.contains("context window")
        || lower.contains("context size")
        || lower.contains("prompt is too long")
        || lower.contains("too many tokens");
  }

  private static boolean unknownModel(int status, String type, String lower) {
    if (type.contains("model_not_found")) {
      return true;
    }
    boolean mentionsModel = lower.contains("model");
    return mentionsModel
        && (status == 404
            || lower.contains("not found")
            || lower.contains("does not exist")
            || lower.contains("invalid model")
            || lower.contains("unknown model"));
  }

  private static JsonNode errorNode(String body) {
    try {
      JsonNode root = Json.MAPPER.readTree(body);
      if (root == null) {
        return null;
      }
      JsonNode e = root.get("error");
      if (e != null && e.isObject()) {
        return e;
      }
      if (e != null && e.isTextual()) {
        return Json.MAPPER.createObjectNode().put("message", e.asText());
      }
      return root.isObject() ? root : null;
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** The server's own message, on one line, capped and masked. */
  private static String detail(ModelConfig config, JsonNode error, String body) {
    String text =
        error != null && error.has("message")
            ? Json.text(error, "message")
            : error != null && error.has("detail") ? Json.text(error, "detail") : body;
    text = text.replaceAll("\\s+", " ").strip();
    if (text.startsWith("<")) {
      text = "an HTML page"; // a proxy's error page says nothing useful in one line
    }
    if (text.length() > MAX_DETAIL) {
      text = text.substring(0, MAX_DETAIL) + "...";
    }
    return config.mask(text);
  }
}
