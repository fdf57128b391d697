package dev.memdir.agent;

import dev.memdir.LlmException;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import dev.memdir.history.Role;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatRequest;
import dev.memdir.llm.ChatResponse;
import dev.memdir.llm.SystemMessage;
import dev.memdir.llm.UserMessage;
import java.util.List;

/**
 * Makes room in a full context window: asks the model to summarise the oldest share of the messages
 * (never splitting a tool call from its results) and appends a {@code summary} record that covers
 * them. The history is only appended to; the window then holds the summary and the messages after
 * it. A new summary folds in the previous one and covers its range too.
 */
final class Summarizer {
  static final String INSTRUCTIONS =
      """
      You summarise the older part of a conversation between an AI agent and a user. These \
      messages are leaving the agent's context window; afterwards the agent sees only your \
      summary of them, followed by the newer messages.

      Write a concise summary in plain text that keeps what the agent needs to continue: what \
      the user asked, said and prefers; facts learned about the user and the world; decisions \
      and their reasons; what tools found or changed; open questions, tasks and promises. Keep \
      names, dates, numbers and identifiers exactly. Do not invent anything. If a previous \
      summary is given, fold it in so your summary replaces it. Write at most %d words.""";

  /** The most characters of one message shown to the summariser. */
  static final int MAX_MESSAGE_CHARS = 4_000;

  private final AgentParts parts;

  Summarizer(AgentParts parts) {
    this.parts = parts;
  }

  /**
   * Where to cut: the index of the first record kept, or -1 when nothing can be summarised. Cuts
   * about {@code share} of the records, moved so that tool results stay with their call and, when
   * possible, the turn's newest user message stays in the window.
   */
  static int cut(List<Window.Entry> entries, double share) {
    int n = entries.size();
    if (n < 2) {
      return -1;
    }
    int k = Math.min(n - 1, Math.max(1, (int) Math.ceil(n * share)));
    int lastUser = -1;
    for (int i = n - 1; i >= 0; i--) {
      if (entries.get(i).record().role().equals(Role.USER.word())) {
        lastUser = i;
        break;
      }
    }
    if (lastUser > 0 && k > lastUser) {
      k = lastUser;
    }
    while (k < n && isToolResult(entries.get(k))) {
      k++;
    }
    if (k >= n) {
      k = n - 1;
      while (k > 0 && isToolResult(entries.get(k))) {
        k--;
      }
    }
    return k > 0 ? k : -1;
  }

  private static boolean isToolResult(Window.Entry e) {
    return e.record().role().equals(Role.TOOL.word());
  }

  /**
   * Summarises the first {@code count} records of the window, appends the summary record to the
   * history and returns it.
   *
   * @throws LlmException when every try failed; then nothing was appended
   */
  Record summarise(Window window, int count, ChatModel model) {
    List<Window.Entry> evicted = window.entries().subList(0, count);
    int contextWindow = parts.config().contextWindow();
    int maxTokens = Math.max(256, Math.min(2048, contextWindow / 8));
    String prompt =
        prompt(
            window,
            evicted,
            Math.max(
                MAX_MESSAGE_CHARS / 8,
                Math.min(MAX_MESSAGE_CHARS, 2 * contextWindow / Math.max(1, evicted.size()))));
    ChatRequest request =
        ChatRequest.of(
                List.of(
                    new SystemMessage(String.format(INSTRUCTIONS, maxTokens * 3 / 5)),
                    new UserMessage(prompt)),
                List.of())
            .withMaxTokens(maxTokens);
    int tries = 1 + parts.config().overflow().retries();
    String problem = "";
    LlmException last = null;
    for (int i = 0; i < tries; i++) {
      try {
        ChatResponse r = model.chat(request);
        String text = r.text().strip();
        if (!text.isEmpty()) {
          String from =
              window
                  .summary()
                  .flatMap(e -> e.record().covers())
                  .map(Record.Covers::from)
                  .orElse(evicted.get(0).record().id());
          String to = evicted.get(count - 1).record().id();
          return parts.history().append(Message.summary(text, from, to), parts.clock().instant());
        }
        problem = "the model returned an empty summary";
      } catch (LlmException e) {
        last = e;
        problem = e.getMessage();
      }
    }
    String message =
        "could not summarise the oldest "
            + count
            + " messages to make room in the context window"
            + " ("
            + tries
            + (tries == 1 ? " try" : " tries")
            + "): "
            + problem
            + ". Nothing was lost: the history is unchanged and the next turn tries again; or"
            + " raise context_window in agent.yaml";
    LlmException.Kind kind = last == null ? LlmException.Kind.BAD_RESPONSE : last.kind();
    throw new LlmException(kind, last == null ? 0 : last.status(), message, last);
  }

  private static String prompt(Window window, List<Window.Entry> evicted, int maxChars) {
    StringBuilder sb = new StringBuilder();
    window
        .summary()
        .ifPresent(
            s -> sb.append("Previous summary:\n").append(s.record().content()).append("\n\n"));
    sb.append("Messages to summarise, oldest first:\n");
    java.util.Set<String> unanswered = new java.util.HashSet<>();
    for (Window.Entry e : window.entries()) {
      Transcript.unanswered(e.record()).ifPresent(unanswered::add);
    }
    for (Window.Entry e : evicted) {
      if (e.message().isPresent() && !unanswered.contains(e.record().id())) {
        sb.append(Transcript.display(e.record(), maxChars)).append('\n');
      }
    }
    return sb.toString();
  }
}
