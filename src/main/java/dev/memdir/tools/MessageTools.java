package dev.memdir.tools;

import java.util.List;

/**
 * {@code send_message}, for MemGPT-style agents that answer through a tool: the step loop ends the
 * turn on it and takes its {@code message} as the reply.
 */
final class MessageTools {
  private MessageTools() {}

  static List<Tool> all() {
    return List.of(
        new Tool(
            Toolbox.SEND_MESSAGE,
            "Send a message to the user. This ends your turn.",
            Schema.object().string("message", "The message.", true),
            (a, seen) -> {
              a.string("message");
              return "Sent.";
            }));
  }
}
