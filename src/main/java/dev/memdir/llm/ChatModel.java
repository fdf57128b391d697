package dev.memdir.llm;

import java.util.List;

/**
 * A language model behind an HTTP endpoint. Implementations are thread-safe and retry transient
 * failures (429, 5xx, resets, timeouts) within their {@link RetryPolicy}.
 *
 * <pre>
 * ChatModel model = ChatModels.open(ModelConfig.resolve(agentConfig, modelFlag, baseUrlFlag,
 *     System.getenv()));
 * ChatResponse r = model.chat(ChatRequest.of(List.of(new UserMessage("Hello")), List.of()));
 * </pre>
 *
 * @see ChatModels
 */
public interface ChatModel {
  /** The settings this model was opened with; the key inside is masked by its toString. */
  ModelConfig config();

  /**
   * Sends one request and waits for the whole reply.
   *
   * @throws dev.memdir.LlmException when the request fails after the allowed retries
   */
  ChatResponse chat(ChatRequest request);

  /**
   * Sends one request as a stream, telling {@code listener} each text and tool-call fragment as it
   * arrives, and returns the reassembled reply. A stream is retried only while nothing has reached
   * the listener.
   *
   * @throws dev.memdir.LlmException when the request fails; kind {@code TRUNCATED} when the stream
   *     stopped early
   */
  ChatResponse stream(ChatRequest request, StreamListener listener);

  /**
   * The ids of the models the endpoint serves, as its models listing reports them.
   *
   * @throws dev.memdir.LlmException when the endpoint does not answer or has no listing
   */
  List<String> models();
}
