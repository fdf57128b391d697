package dev.memdir.agent;

import dev.memdir.history.HistoryLog;
import dev.memdir.history.Record;
import dev.memdir.history.Role;
import dev.memdir.llm.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The part of the history in the context window: the latest summary, if any, and the records after
 * the last one it covers. Each record's message and token count are computed once, when it enters
 * the window, so assembling a step's context costs the same at 1,000 or 1,000,000 records of
 * history. Loading reads the history backwards only until it finds the latest summary's range or
 * has more tokens than the context window holds.
 */
final class Window {
  /** A record in the window, with what it costs. */
  record Entry(Record record, Optional<Message> message, int tokens) {}

  private final Tokens tokens;
  private Entry summary;
  private final List<Entry> entries = new ArrayList<>();
  private long messageTokens;
  private long historyCount;
  private int skipped;

  private Window(Tokens tokens) {
    this.tokens = tokens;
  }

  /**
   * The window of {@code log}: the latest summary and the records after its range, at most {@code
   * capTokens} of them (the oldest are left out beyond that).
   */
  static Window load(HistoryLog log, Tokens tokens, long capTokens) {
    Window w = new Window(tokens);
    w.historyCount = log.count();
    Map<String, Entry> seen = new HashMap<>();
    for (int n = 64; ; n = n >= (1 << 28) ? Integer.MAX_VALUE : n * 4) {
      List<Record> tail = log.tail(n);
      boolean all = tail.size() < n || n == Integer.MAX_VALUE;
      if (w.fill(tail, all, capTokens, seen)) {
        return w;
      }
    }
  }

  /** Fills the window from {@code tail}; false when more of the history must be read. */
  private boolean fill(List<Record> tail, boolean all, long cap, Map<String, Entry> seen) {
    int last = -1;
    for (int i = tail.size() - 1; i >= 0; i--) {
      if (isSummary(tail.get(i))) {
        last = i;
        break;
      }
    }
    int start;
    if (last >= 0) {
      int from = last + 1;
      Optional<String> to = tail.get(last).covers().map(Record.Covers::to);
      for (int j = last - 1; to.isPresent() && j >= 0; j--) {
        if (tail.get(j).id().equals(to.get())) {
          from = j + 1;
          break;
        }
      }
      boolean found = to.isEmpty() || from <= last;
      if (!found && !all && tokensOf(tail, 0, seen) <= cap) {
        return false; // the summary's range ends further back
      }
      start = found ? from : 0;
    } else {
      if (!all && tokensOf(tail, 0, seen) <= cap) {
        return false; // an older summary may be further back
      }
      start = 0;
    }
    summary = last >= 0 ? entry(tail.get(last), seen) : null;
    List<Entry> in = new ArrayList<>();
    for (int i = start; i < tail.size(); i++) {
      if (!isSummary(tail.get(i))) {
        in.add(entry(tail.get(i), seen));
      }
    }
    long sum = in.stream().mapToLong(Entry::tokens).sum();
    int drop = 0;
    while (sum > cap && drop < in.size() - 1) {
      sum -= in.get(drop++).tokens();
    }
    skipped = drop;
    entries.addAll(in.subList(drop, in.size()));
    messageTokens = sum;
    return true;
  }

  private long tokensOf(List<Record> tail, int from, Map<String, Entry> seen) {
    long sum = 0;
    for (int i = from; i < tail.size(); i++) {
      sum += entry(tail.get(i), seen).tokens();
    }
    return sum;
  }

  private Entry entry(Record r, Map<String, Entry> seen) {
    return seen.computeIfAbsent(r.id(), id -> entry(r));
  }

  private Entry entry(Record r) {
    Optional<Message> m =
        isSummary(r) ? Optional.of(Transcript.summary(r)) : Transcript.toMessage(r);
    return new Entry(r, m, Transcript.tokens(r, tokens));
  }

  static boolean isSummary(Record r) {
    return r.role().equals(Role.SUMMARY.word());
  }

  /** Adds a record just appended to the history. */
  void add(Record r) {
    Entry e = entry(r);
    entries.add(e);
    messageTokens += e.tokens();
    historyCount++;
  }

  /**
   * Replaces the first {@code count} records with {@code summaryRecord}, just appended to the
   * history, which covers them (and whatever the previous summary covered).
   */
  void summarised(Record summaryRecord, int count) {
    for (int i = 0; i < count; i++) {
      messageTokens -= entries.get(i).tokens();
    }
    entries.subList(0, count).clear();
    summary = entry(summaryRecord);
    historyCount++;
  }

  /** The summary at the start of the window, if any. */
  Optional<Entry> summary() {
    return Optional.ofNullable(summary);
  }

  /** The records after the summary, oldest first (a live view). */
  List<Entry> entries() {
    return entries;
  }

  /** The tokens of the records after the summary. */
  long messageTokens() {
    return messageTokens;
  }

  /** The records in the history, as counted when loaded plus those added since. */
  long historyCount() {
    return historyCount;
  }

  /** Records after the summary's range left out of the window because they did not fit. */
  int skipped() {
    return skipped;
  }

  /** The messages of the window in order: the summary, then each record's message. */
  /**
   * The records of the window that reach the model as messages (the number the context report and
   * the prompt's metadata both give); events that render as nothing do not count.
   */
  int messagesShown() {
    return (int) entries.stream().filter(e -> e.message().isPresent()).count();
  }

  List<Message> messages() {
    List<Message> out = new ArrayList<>(entries.size() + 1);
    if (summary != null) {
      summary.message().ifPresent(out::add);
    }
    Set<String> unanswered = new HashSet<>();
    for (Entry e : entries) {
      Transcript.unanswered(e.record()).ifPresent(unanswered::add);
    }
    for (Entry e : entries) {
      if (!unanswered.contains(e.record().id())) {
        e.message().ifPresent(out::add);
      }
    }
    return Transcript.consistent(out);
  }
}
