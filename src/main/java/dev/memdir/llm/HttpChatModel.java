package dev.memdir.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the OpenAI-compatible and Anthropic clients share: one {@link Http} per model, the three
 * calls of {@link ChatModel}, and a models listing shaped {@code {"data": [{"id": ...}]}}. A
 * subclass says where requests go and how bodies and replies look.
 */
abstract class HttpChatModel implements ChatModel {
  final ModelConfig config;
  final Http http;

  HttpChatModel(ModelConfig config) {
    this.config = config;
    this.http = new Http(config);
  }

  /** The path of a chat request, relative to the base URL. */
  abstract String chatPath();

  /** The path of the models listing. */
  abstract String modelsPath();

  /** The headers of every request (the key among them). */
  abstract Map<String, String> headers();

  /** The JSON body of a chat request. */
  abstract ObjectNode body(ChatRequest request, boolean stream);

  /** A whole reply. */
  abstract ChatResponse parse(JsonNode root);

  /** A streamed reply, fragments told to {@code listener} as they arrive. */
  abstract ChatResponse readStream(BodyStream in, StreamListener listener, Http.Progress progress)
      throws IOException;

  @Override
  public final ModelConfig config() {
    return config;
  }

  @Override
  public final ChatResponse chat(ChatRequest request) {
    return http.send(
        chatPath(),
        Optional.of(body(request, false)),
        headers(),
        false,
        (in, progress) -> parse(Json.readReply(config, in.readAllBytes())));
  }

  @Override
  public final ChatResponse stream(ChatRequest request, StreamListener listener) {
    return http.send(
        chatPath(),
        Optional.of(body(request, true)),
        headers(),
        true,
        (in, progress) -> readStream(in, listener, progress));
  }

  @Override
  public final List<String> models() {
    return http.send(
        modelsPath(),
        Optional.empty(),
        headers(),
        false,
        (in, progress) -> {
          JsonNode root = Json.readReply(config, in.readAllBytes());
          List<String> ids = new ArrayList<>();
          for (JsonNode m : root.path("data")) {
            ids.add(Json.text(m, "id"));
          }
          return ids;
        });
  }
}
