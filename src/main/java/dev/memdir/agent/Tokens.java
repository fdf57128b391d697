package dev.memdir.agent;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token counts with OpenAI's {@code cl100k_base} encoding (jtokkit), for every model: an estimate
 * for models with other tokenizers, but one that is stable and real. Counts of larger texts that
 * repeat from step to step (the system prompt, each memory block, the tool schemas) are cached by
 * their text; history records keep their own count in the window.
 */
final class Tokens {
  /** The encoding's name, as reports state it. */
  static final String ENCODING = "cl100k_base";

  /** What each message costs beyond its text (role and separators), as OpenAI counts it. */
  static final int PER_MESSAGE = 4;

  private static final int CACHE_ENTRIES = 512;
  private static final int CACHE_MIN_CHARS = 64;

  private static final Encoding ENC =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

  private final Map<String, Integer> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > CACHE_ENTRIES;
        }
      };

  /** The tokens of {@code text}; special-token markers in it count as ordinary text. */
  int count(String text) {
    if (text.isEmpty()) {
      return 0;
    }
    if (text.length() < CACHE_MIN_CHARS) {
      return ENC.countTokensOrdinary(text);
    }
    Integer n = cache.get(text);
    if (n == null) {
      n = ENC.countTokensOrdinary(text);
      cache.put(text, n);
    }
    return n;
  }
}
