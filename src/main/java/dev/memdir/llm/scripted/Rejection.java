package dev.memdir.llm.scripted;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Why the server refused a request, and the body it answers with.
 *
 * @param status the HTTP status
 * @param message the API's message
 * @param body the whole error body in the API's shape
 */
record Rejection(int status, String message, ObjectNode body) {
  static Rejection openAi(int status, String message, String type, String param, String code) {
    return new Rejection(status, message, Wire.openAiError(message, type, param, code));
  }

  static Rejection openAi(String message, String param, String code) {
    return openAi(400, message, "invalid_request_error", param, code);
  }

  static Rejection anthropic(int status, String type, String message) {
    return new Rejection(status, message, Wire.anthropicError(type, message));
  }

  static Rejection anthropic(String message) {
    return anthropic(400, "invalid_request_error", message);
  }
}
