package dev.memdir.llm;

import java.util.regex.Pattern;

/** Masks anything that looks like an API key in text bound for a message or log. */
final class Secrets {
  // OpenAI (sk-..., sk-proj-...), Anthropic (sk-ant-...), OpenRouter (sk-or-...), bearer tokens.
  private static final Pattern KEY_LIKE =
      Pattern.compile("(sk-[A-Za-z0-9_-]{0,12})[A-Za-z0-9_*-]{8,}|(Bearer )[A-Za-z0-9._~+/-]{8,}");

  private Secrets() {}

  static String mask(String text) {
    return KEY_LIKE.matcher(text).replaceAll(r -> r.group(1) != null ? "sk-***" : "Bearer ***");
  }
}
