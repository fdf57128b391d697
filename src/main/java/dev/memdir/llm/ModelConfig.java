package dev.memdir.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.LlmException;
import dev.memdir.format.AgentConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which model to call, where, and with which key and limits.
 *
 * <p>The base URL comes from, first match wins: {@code --base-url}, {@code base_url} in agent.yaml,
 * the provider's environment variable ({@code OPENAI_BASE_URL}, {@code ANTHROPIC_BASE_URL}, {@code
 * OLLAMA_HOST}), the provider's default. The key comes from {@code OPENAI_API_KEY} or {@code
 * ANTHROPIC_API_KEY}; Ollama needs none.
 *
 * @param provider the provider part of {@code provider/name}
 * @param model the model name, as the server knows it
 * @param baseUrl the server, without a trailing slash; OpenAI-style URLs end in {@code /v1},
 *     Anthropic's do not
 * @param apiKey the key, when one is set
 * @param connectTimeout the longest wait for a connection
 * @param timeout the longest wait for a whole reply, or between two parts of a streamed one
 * @param retry when to retry failed requests
 * @param maxTokensField the request field that limits the reply's length on OpenAI-style servers:
 *     {@code max_completion_tokens} (OpenAI's own and Azure's reasoning models refuse the older
 *     field) or {@code max_tokens} (what most compatible servers know); {@code max_tokens_field} in
 *     agent.yaml, by default the first for api.openai.com and *.openai.azure.com, else the second
 */
public record ModelConfig(
    Provider provider,
    String model,
    URI baseUrl,
    Optional<ApiKey> apiKey,
    Duration connectTimeout,
    Duration timeout,
    RetryPolicy retry,
    String maxTokensField) {

  /** The field OpenAI's newer models want. */
  public static final String MAX_COMPLETION_TOKENS = "max_completion_tokens";

  /** The field every other OpenAI-compatible server knows. */
  public static final String MAX_TOKENS = "max_tokens";

  /** The wait for a connection unless set otherwise. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The wait for a reply unless set otherwise; local models on a CPU can be slow. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

  private static final Pattern MODEL = Pattern.compile("([a-z]+)/(\\S+)");

  /** Validates the fields. */
  public ModelConfig {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retry, "retry");
    if (!MAX_TOKENS.equals(maxTokensField) && !MAX_COMPLETION_TOKENS.equals(maxTokensField)) {
      throw new IllegalArgumentException(
          "max_tokens_field must be max_tokens or max_completion_tokens, got '"
              + maxTokensField
              + "'");
    }
    if (model.isBlank()) {
      throw new IllegalArgumentException("model name must not be blank");
    }
    if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())
        || baseUrl.getHost() == null) {
      throw new IllegalArgumentException("base URL must be http(s)://host..., got " + baseUrl);
    }
    if (timeout.isNegative()
        || timeout.isZero()
        || connectTimeout.isNegative()
        || connectTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /**
   * The model settings of an agent, with command-line overrides and the environment.
   *
   * @param config the agent's settings
   * @param modelOverride {@code --model}, as {@code provider/name}
   * @param baseUrlOverride {@code --base-url}
   * @param env the environment, {@code System.getenv()} outside tests
   * @throws LlmException of kind {@code CONFIG} when an override is malformed
   */
  public static ModelConfig resolve(
      AgentConfig config,
      Optional<String> modelOverride,
      Optional<String> baseUrlOverride,
      Map<String, String> env) {
    ModelConfig resolved =
        resolve(modelOverride.orElse(config.model()), baseUrlOverride.or(config::baseUrl), env);
    JsonNode field = config.extra().get("max_tokens_field");
    if (field == null || field.isNull()) {
      return resolved;
    }
    String value = field.asText().strip();
    if (!MAX_TOKENS.equals(value) && !MAX_COMPLETION_TOKENS.equals(value)) {
      throw config(
          "agent.yaml: max_tokens_field must be max_tokens or max_completion_tokens, got '"
              + field.asText()
              + "'");
    }
    return resolved.withMaxTokensField(value);
  }

  /**
   * The field a server takes by default: OpenAI's own API and Azure OpenAI serve reasoning models
   * that refuse {@code max_tokens}; other servers may not know its successor.
   */
  static String defaultMaxTokensField(URI baseUrl) {
    String host = baseUrl.getHost().toLowerCase(java.util.Locale.ROOT);
    return host.equals("api.openai.com") || host.endsWith(".openai.azure.com")
        ? MAX_COMPLETION_TOKENS
        : MAX_TOKENS;
  }

  /** This configuration with another reply-length field ({@code max_tokens_field}). */
  public ModelConfig withMaxTokensField(String field) {
    return new ModelConfig(provider, model, baseUrl, apiKey, connectTimeout, timeout, retry, field);
  }

  /**
   * The settings of {@code providerAndName} served at {@code baseUrl} or the provider's default.
   *
   * @throws LlmException of kind {@code CONFIG} when the model or URL is malformed
   */
  public static ModelConfig resolve(
      String providerAndName, Optional<String> baseUrl, Map<String, String> env) {
    Matcher m = MODEL.matcher(providerAndName.strip());
    if (!m.matches()) {
      throw config(
          "model must be provider/name, for example openai/gpt-4o-mini, got \""
              + providerAndName
              + "\"");
    }
    Provider provider =
        Provider.of(m.group(1))
            .orElseThrow(
                () ->
                    config(
                        "unknown provider \""
                            + m.group(1)
                            + "\" in \""
                            + providerAndName
                            + "\" (known: openai, anthropic, ollama)"));
    String url = baseUrl.map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
    String from = "base_url";
    if (url == null) {
      url =
          Optional.ofNullable(env.get(provider.baseUrlVariable()))
              .map(String::strip)
              .filter(s -> !s.isEmpty())
              .map(u -> provider == Provider.OLLAMA ? ollamaUrl(u) : u)
              .orElse(provider.defaultBaseUrl());
      from = provider.baseUrlVariable();
    }
    Optional<ApiKey> key =
        provider
            .keyVariable()
            .flatMap(
                v ->
                    Optional.ofNullable(env.get(v))
                        .filter(s -> !s.isBlank())
                        .map(s -> ApiKey.of(s, v)));
    URI uri = parseUrl(url, provider, from);
    return new ModelConfig(
        provider,
        m.group(2),
        uri,
        key,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_TIMEOUT,
        RetryPolicy.DEFAULT,
        defaultMaxTokensField(uri));
  }

  /** {@code provider/name}. */
  public String label() {
    return provider.word() + "/" + model;
  }

  /** This configuration with another retry policy. */
  public ModelConfig withRetry(RetryPolicy newRetry) {
    return new ModelConfig(
        provider, model, baseUrl, apiKey, connectTimeout, timeout, newRetry, maxTokensField);
  }

  /** This configuration with other timeouts. */
  public ModelConfig withTimeouts(Duration newConnectTimeout, Duration newTimeout) {
    return new ModelConfig(
        provider, model, baseUrl, apiKey, newConnectTimeout, newTimeout, retry, maxTokensField);
  }

  /** This configuration with a key, for callers that keep keys elsewhere than the environment. */
  public ModelConfig withApiKey(ApiKey key) {
    return new ModelConfig(
        provider, model, baseUrl, Optional.of(key), connectTimeout, timeout, retry, maxTokensField);
  }

  /**
   * Why this configuration cannot work, when it cannot: a key the provider's own server needs is
   * missing. A custom base URL may need no key, so none is demanded there.
   */
  public Optional<String> problem() {
    if (apiKey.isPresent() || provider.keyVariable().isEmpty()) {
      return Optional.empty();
    }
    URI official = URI.create(provider.defaultBaseUrl());
    if (!official.getHost().equalsIgnoreCase(baseUrl.getHost())) {
      return Optional.empty();
    }
    return Optional.of(
        provider.keyVariable().get()
            + " is not set: export "
            + provider.keyVariable().get()
            + "=... (keys never go into agent.yaml)");
  }

  /** Whether the key, if any, is set, for display: {@code OPENAI_API_KEY set}. */
  public String keyStatus() {
    if (provider.keyVariable().isEmpty()) {
      return apiKey.map(k -> "key " + k.source() + " set").orElse("no key needed");
    }
    String variable = provider.keyVariable().get();
    return apiKey.isPresent() ? variable + " set" : variable + " missing";
  }

  /** {@code text} with the key masked; every message that may echo a server goes through here. */
  String mask(String text) {
    String masked = apiKey.map(k -> k.mask(text)).orElse(text);
    return Secrets.mask(masked);
  }

  @Override
  public String toString() {
    return "ModelConfig["
        + label()
        + " at "
        + baseUrl
        + ", "
        + keyStatus()
        + ", timeout "
        + timeout.toSeconds()
        + " s]";
  }

  private static String ollamaUrl(String host) {
    boolean hasScheme = host.contains("://");
    String u = hasScheme ? host : "http://" + host;
    URI uri;
    try {
      uri = new URI(u);
    } catch (URISyntaxException e) {
      throw config("OLLAMA_HOST is not a host or URL: \"" + host + "\"");
    }
    String hostPart = uri.getHost() == null ? host : uri.getHost();
    if ("0.0.0.0".equals(hostPart)) {
      hostPart = "127.0.0.1"; // the bind-all address the server uses is not one to connect to
    }
    // As Ollama reads it: a bare host gets port 11434, an explicit scheme its usual port.
    int port =
        uri.getPort() >= 0
            ? uri.getPort()
            : !hasScheme ? 11434 : "https".equals(uri.getScheme()) ? 443 : 80;
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
    return uri.getScheme() + "://" + hostPart + ":" + port + path + "/v1";
  }

  private static URI parseUrl(String url, Provider provider, String from) {
    String u = url.replaceAll("/+$", "");
    if (provider == Provider.ANTHROPIC && u.endsWith("/v1")) {
      u = u.substring(0, u.length() - 3); // the client adds /v1/messages itself
    }
    URI uri;
    try {
      uri = new URI(u);
    } catch (URISyntaxException e) {
      throw config(from + " is not a URL: \"" + url + "\"");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw config(
          from + " must start with http:// or https:// and name a host, got \"" + url + "\"");
    }
    return uri;
  }

  private static LlmException config(String message) {
    return new LlmException(LlmException.Kind.CONFIG, 0, message);
  }
}
