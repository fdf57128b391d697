package dev.memdir.agent;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.memdir.LlmException;
import dev.memdir.MemdirException;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import dev.memdir.history.Role;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatRequest;
import dev.memdir.llm.ChatResponse;
import dev.memdir.llm.StopReason;
import dev.memdir.llm.StreamListener;
import dev.memdir.llm.ToolCall;
import dev.memdir.llm.ToolChoice;
import dev.memdir.llm.Usage;
import dev.memdir.tools.SeenBlocks;
import dev.memdir.tools.ToolDefinition;
import dev.memdir.tools.ToolResult;
import dev.memdir.tools.Toolbox;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The step loop of one agent: a turn appends the user's message, then calls the model, runs the
 * tools it asks for and gives it their results, until it answers in plain text (or calls {@code
 * send_message} or another exit_loop tool), or {@code max_steps} is reached. Each step is in the
 * history before the next model call: the assistant record first, then each tool's result as soon
 * as the tool has run, so a crash leaves a history the next turn continues from.
 *
 * <p>When the window passes {@code overflow.threshold} of {@code context_window}, the oldest
 * messages are summarised first (see {@link Summarizer}). The window is kept in memory between
 * turns, and read again when another process appended to the history meanwhile.
 *
 * <p>Not thread-safe; the {@code Agent} facade runs each turn under the agent's write lock.
 */
public final class Runner {
  /** The most summaries made before one model call. */
  static final int MAX_SUMMARY_ROUNDS = 3;

  /** The largest reply asked for. */
  static final int MAX_REPLY_TOKENS = 4096;

  /** The field that makes an {@code event} record an error record: the failure's kind. */
  static final String ERROR_FIELD = "error";

  /** The field of an error record naming the user record no model answered. */
  static final String UNANSWERED_FIELD = "unanswered";

  private final AgentParts parts;
  private static final System.Logger LOG = System.getLogger(Runner.class.getName());

  private final Tokens tokens = new Tokens();
  private final Toolbox toolbox;
  private final ContextBuilder builder;
  private final Summarizer summarizer;
  private Window window;
  private Optional<String> newest = Optional.empty();

  /** A step loop over {@code parts}. */
  public Runner(AgentParts parts) {
    this.parts = Objects.requireNonNull(parts, "parts");
    this.toolbox =
        new Toolbox(parts.memory(), parts.archival(), parts.search(), parts.config().tools());
    this.builder = new ContextBuilder(parts, tokens);
    this.summarizer = new Summarizer(parts);
  }

  /** The tools offered, by this runner's toolbox. */
  public Toolbox toolbox() {
    return toolbox;
  }

  /**
   * Runs one turn: the user's {@code message}, then steps until the model answers.
   *
   * @param listener hears the turn as it happens; any listener but {@link TurnListener#NONE} makes
   *     the model's replies stream
   * @throws MemdirException when the message is empty or the window cannot be made to fit
   * @throws dev.memdir.LlmException when the model fails; the history then holds every step
   *     finished so far and one error record (docs/FORMAT.md), and the next turn continues from it
   */
  public Reply send(String message, ChatModel model, TurnListener listener) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(listener, "listener");
    if (message.isBlank()) {
      throw new MemdirException("the message is empty; say something to the agent");
    }
    long start = System.nanoTime();
    Window w = currentWindow();
    answerDanglingCalls(w);
    Record user = append(Message.user(message));
    w.add(user);
    Turn turn = new Turn(w, model, listener, System.nanoTime() - start);
    try {
      return turn.run();
    } catch (RuntimeException e) {
      failed(w, user, turn.answered, e);
      throw e;
    } finally {
      settle();
    }
  }

  /**
   * Checks the old block files this turn's edits kept, now that the turn is over: a person's late
   * save is merged, and what it refused is told with the next memory tool result. One folder
   * listing when there are none.
   */
  private void settle() {
    try {
      parts.memory().settle();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot check kept block files: " + e.getMessage(), e);
    }
  }

  /**
   * Ends a failed turn in the history: results for calls left without one, then one error record
   * (an {@code event} with {@code error}, the failure's kind). When no model answered the user's
   * message, the record names it as {@code unanswered}, and later windows leave it out: the user
   * sends it again, and the model never sees it twice. An error while recording this is added to
   * {@code e} as suppressed; {@code e} is what the caller gets.
   */
  private void failed(Window w, Record user, boolean answered, RuntimeException e) {
    String kind;
    String what;
    if (e instanceof LlmException le) {
      kind = le.kind().word();
      what = le.getMessage();
    } else if (e instanceof MemdirException) {
      kind = "memdir";
      what = e.getMessage();
    } else {
      kind = "internal";
      what = "memdir failed (" + e + "): report it as a memdir bug";
    }
    try {
      answerDanglingCalls(w);
      Message m =
          Message.event("the turn failed: " + what.replaceAll("\\s+", " ").strip())
              .with(ERROR_FIELD, JsonNodeFactory.instance.textNode(kind));
      if (!answered) {
        m = m.with(UNANSWERED_FIELD, JsonNodeFactory.instance.textNode(user.id()));
      }
      w.add(append(m));
    } catch (RuntimeException recording) {
      e.addSuppressed(recording);
      window = null; // read again from the history next turn
    }
  }

  /** The context window the next step would send, section by section, without calling a model. */
  public ContextReport context() {
    Window w = currentWindow();
    ContextBuilder.Context ctx = builder.build(w, offered(1), toolbox, true);
    return new ContextReport(
        parts.config().name(),
        parts.config().contextWindow(),
        parts.config().overflow().thresholdTokens(parts.config().contextWindow()),
        ctx.sections(),
        w.messagesShown(),
        w.historyCount(),
        toolbox.names(),
        toolbox.unavailable());
  }

  /**
   * The window, read again from the history when another writer appended to it since this runner's
   * last append (its newest record is not the one this runner knows as newest).
   */
  private Window currentWindow() {
    Optional<String> last = parts.history().tail(1).stream().findFirst().map(Record::id);
    if (window == null || !last.equals(newest)) {
      window = Window.load(parts.history(), tokens, parts.config().contextWindow());
      newest = last;
    }
    return window;
  }

  /**
   * Answers the tool calls of the window's last assistant record that have no result, left by a
   * crash between a call and its result, so the history is consistent again.
   */
  private void answerDanglingCalls(Window w) {
    List<Window.Entry> entries = w.entries();
    int i = entries.size() - 1;
    Set<String> answered = new HashSet<>();
    while (i >= 0 && entries.get(i).record().role().equals(Role.TOOL.word())) {
      entries.get(i).record().toolCallId().ifPresent(answered::add);
      i--;
    }
    if (i < 0 || !entries.get(i).record().role().equals(Role.ASSISTANT.word())) {
      return;
    }
    for (ToolCall c : Transcript.toolCalls(entries.get(i).record())) {
      if (!answered.contains(c.id())) {
        w.add(append(toolRecord(c.id(), c.name(), ToolResult.failure(Transcript.NO_RESULT))));
      }
    }
  }

  private Record append(Message m) {
    Record r = parts.history().append(m, parts.clock().instant());
    newest = Optional.of(r.id());
    return r;
  }

  private static Message toolRecord(String id, String name, ToolResult result) {
    Message m = Message.toolResult(id, name, result.content());
    return result.isError() ? m.with("is_error", JsonNodeFactory.instance.booleanNode(true)) : m;
  }

  /** The tools offered in step {@code step}: only the run_first tools in the first step. */
  private List<ToolDefinition> offered(int step) {
    List<ToolDefinition> all = toolbox.definitions();
    if (step == 1) {
      List<String> first = parts.config().toolRules().runFirst();
      List<ToolDefinition> only = all.stream().filter(d -> first.contains(d.name())).toList();
      if (!only.isEmpty()) {
        return only;
      }
    }
    return all;
  }

  /** One turn in progress. */
  private final class Turn {
    private final Window w;
    private final ChatModel model;
    private final TurnListener listener;
    private final SeenBlocks seen = new SeenBlocks();
    private final Set<String> required;
    private final Set<String> exits = new HashSet<>();
    private final List<Step> steps = new ArrayList<>();
    private Usage usage = Usage.ZERO;
    private long startNanos;

    /** Whether a model's reply to the user's message is in the history. */
    boolean answered;

    /** A turn whose start (loading the window, appending the user's message) took startNanos. */
    Turn(Window w, ChatModel model, TurnListener listener, long startNanos) {
      this.w = w;
      this.model = model;
      this.listener = listener;
      this.startNanos = startNanos;
      this.required =
          new LinkedHashSet<>(
              parts.config().toolRules().requiredBeforeExit().stream()
                  .filter(toolbox::offers)
                  .toList());
      exits.addAll(parts.config().toolRules().exitLoop());
      exits.add(Toolbox.SEND_MESSAGE);
    }

    /** What one step's tool calls did. */
    private final class Calls {
      final List<ToolRun> runs = new ArrayList<>();
      long toolNanos;
      long appendNanos;
      boolean exit;
      Optional<String> sent = Optional.empty();
    }

    Reply run() {
      int maxSteps = parts.config().maxSteps();
      for (int n = 1; n <= maxSteps; n++) {
        Optional<Reply> reply = step(n);
        if (reply.isPresent()) {
          return reply.get();
        }
      }
      w.add(
          append(
              Message.event(
                  "the turn stopped after "
                      + maxSteps
                      + " steps (max_steps in agent.yaml) without an answer")));
      String last = steps.isEmpty() ? "" : steps.get(steps.size() - 1).text();
      return new Reply(last, Reply.Ending.MAX_STEPS, steps, usage);
    }

    /** Runs step {@code n}; the reply when the turn ends with it. */
    private Optional<Reply> step(int n) {
      long t0 = System.nanoTime();
      List<ToolDefinition> offered = offered(n);
      long[] summaryNanos = {0};
      int[] summaries = {0};
      ContextBuilder.Context ctx = fit(offered, summaryNanos, summaries, false);
      long beforeCall = summaryNanos[0];
      long t1 = System.nanoTime();
      ChatResponse r;
      try {
        r = call(request(ctx, offered));
      } catch (LlmException e) {
        if (e.kind() != LlmException.Kind.CONTEXT_TOO_LONG
            || Summarizer.cut(w.entries(), parts.config().overflow().summarize()) < 0) {
          throw e;
        }
        // The model counts with its own tokenizer, which may see more tokens than cl100k_base:
        // make room once and try again.
        ctx = fit(offered, summaryNanos, summaries, true);
        r = call(request(ctx, offered));
      }
      long t2 = System.nanoTime();
      usage = usage.plus(r.usage());
      List<ToolCall> calls = withIds(r.toolCalls(), n);
      String text = visibleText(r);
      w.add(
          append(
              calls.isEmpty()
                  ? Message.assistant(text)
                  : Message.toolCalls(text, Transcript.toolCallsJson(calls))));
      answered = true;
      long appendNanos = System.nanoTime() - t2;
      Calls done = runCalls(calls, offered);
      steps.add(
          new Step(
              n,
              text,
              done.runs,
              r.stopReason().word(),
              r.usage(),
              ctx.total(),
              summaries[0],
              new Timings(
                  t1 - t0 - beforeCall + startNanos,
                  t2 - t1 + beforeCall,
                  done.toolNanos,
                  appendNanos + done.appendNanos),
              r.reasoning(),
              r.refusal()));
      startNanos = 0;
      if (!calls.isEmpty() && !done.exit) {
        return Optional.empty();
      }
      if (!required.isEmpty()) {
        w.add(
            append(
                Message.system(
                    "Your turn cannot end yet: first call "
                        + String.join(" and ", required)
                        + ".")));
        return Optional.empty();
      }
      return Optional.of(
          new Reply(
              done.sent.orElse(text),
              calls.isEmpty() ? Reply.Ending.REPLY : Reply.Ending.TOOL,
              steps,
              usage));
    }

    /** The request of a step: the context, the tools offered, required when restricted. */
    private ChatRequest request(ContextBuilder.Context ctx, List<ToolDefinition> offered) {
      seen.clear();
      ctx.blocks().forEach(b -> seen.saw(b.label(), b.valueHash()));
      boolean restricted = offered.size() < toolbox.definitions().size();
      return new ChatRequest(
          ctx.messages(),
          ctx.tools(),
          replyTokens(ctx.total()),
          restricted ? ToolChoice.REQUIRED : ToolChoice.AUTO,
          Optional.empty());
    }

    /** Runs the calls in order, appending each result as soon as it is known. */
    private Calls runCalls(List<ToolCall> calls, List<ToolDefinition> offered) {
      Calls done = new Calls();
      Set<String> names = new HashSet<>();
      offered.forEach(d -> names.add(d.name()));
      for (ToolCall c : calls) {
        listener.onToolCall(c.name(), c.rawArguments());
        long s = System.nanoTime();
        ToolResult result = run(c, names);
        long e = System.nanoTime();
        w.add(append(toolRecord(c.id(), c.name(), result)));
        done.toolNanos += e - s;
        done.appendNanos += System.nanoTime() - e;
        listener.onToolResult(c.name(), result.content(), result.isError());
        done.runs.add(
            new ToolRun(c.id(), c.name(), c.rawArguments(), result.content(), result.isError()));
        if (result.isError()) {
          continue;
        }
        required.remove(c.name());
        if (exits.contains(c.name())) {
          done.exit = true;
          if (c.name().equals(Toolbox.SEND_MESSAGE)) {
            done.sent = c.arguments().map(a -> a.path("message").asText(""));
          }
        }
      }
      return done;
    }

    /**
     * Assembles the context, summarising the oldest messages while it is over the threshold (and at
     * least once when {@code force}: the model said the prompt is too long).
     */
    private ContextBuilder.Context fit(
        List<ToolDefinition> offered, long[] summaryNanos, int[] summaries, boolean force) {
      long threshold = parts.config().overflow().thresholdTokens(parts.config().contextWindow());
      for (int round = 0; ; round++) {
        ContextBuilder.Context ctx = builder.build(w, offered, toolbox, false);
        if (ctx.total() <= threshold && !(force && round == 0)) {
          return ctx;
        }
        int cut = Summarizer.cut(w.entries(), parts.config().overflow().summarize());
        if (round >= MAX_SUMMARY_ROUNDS || cut < 0) {
          if (ctx.total() > parts.config().contextWindow()) {
            throw full(ctx);
          }
          return ctx;
        }
        long s = System.nanoTime();
        Record summary = summarizer.summarise(w, cut, model);
        summaryNanos[0] += System.nanoTime() - s;
        newest = Optional.of(summary.id());
        summaries[0]++;
        w.summarised(summary, cut);
        long after = builder.build(w, offered, toolbox, false).total();
        listener.onSummary(cut, ctx.total(), after);
      }
    }

    private MemdirException full(ContextBuilder.Context ctx) {
      StringBuilder sizes = new StringBuilder();
      for (Section s : ctx.sections()) {
        if (s.tokens() > 0) {
          sizes
              .append(sizes.length() == 0 ? "" : ", ")
              .append(s.name())
              .append(' ')
              .append(s.tokens());
        }
      }
      return new MemdirException(
          "the context window is full: "
              + ctx.total()
              + " tokens ("
              + sizes
              + ") do not fit in"
              + " context_window "
              + parts.config().contextWindow()
              + " of agent.yaml, and"
              + " summarising older messages cannot make room; raise context_window, shorten"
              + " memory blocks or system.md, or offer fewer tools. Nothing was lost");
    }

    private int replyTokens(long total) {
      long room = parts.config().contextWindow() - total;
      return (int) Math.max(256, Math.min(MAX_REPLY_TOKENS, room));
    }

    private ChatResponse call(ChatRequest request) {
      if (listener == TurnListener.NONE) {
        return model.chat(request);
      }
      return model.stream(
          request,
          new StreamListener() {
            @Override
            public void onText(String delta) {
              listener.onText(delta);
            }
          });
    }

    private ToolResult run(ToolCall c, Set<String> offeredNow) {
      if (c.argumentsError().isPresent()) {
        return ToolResult.failure(
            c.argumentsError().get() + "; send the arguments as one JSON object");
      }
      if (toolbox.offers(c.name()) && !offeredNow.contains(c.name())) {
        return ToolResult.failure(
            "in the first step of a turn call "
                + String.join(" or ", offeredNow)
                + " (tool_rules"
                + " run_first); call "
                + c.name()
                + " after that");
      }
      return toolbox.call(c.name(), c.arguments().orElseThrow(), seen);
    }
  }

  /**
   * The text a reply stands for in the history and to the user: a refusal with no text of its own
   * says that the model refused, and why when the provider said, so it never reads as an empty
   * answer.
   */
  static String visibleText(ChatResponse r) {
    if (r.stopReason() != StopReason.REFUSAL || !r.text().isBlank()) {
      return r.text();
    }
    return r.refusal().isBlank()
        ? "(the model refused to answer)"
        : "(the model refused: " + r.refusal().strip() + ")";
  }

  /** The calls with an id each: some servers leave it out, and results must name one. */
  private static List<ToolCall> withIds(List<ToolCall> calls, int step) {
    List<ToolCall> out = new ArrayList<>(calls.size());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < calls.size(); i++) {
      ToolCall c = calls.get(i);
      String id = c.id().isEmpty() || !ids.add(c.id()) ? "call_" + step + "_" + (i + 1) : c.id();
      ids.add(id);
      out.add(
          id.equals(c.id())
              ? c
              : new ToolCall(id, c.name(), c.rawArguments(), c.arguments(), c.argumentsError()));
    }
    return out;
  }
}
