package dev.memdir.cli;

import dev.memdir.agent.ContextReport;
import dev.memdir.agent.Section;
import java.io.PrintWriter;
import java.text.NumberFormat;
import java.util.Locale;

/** Prints a context report: the token table, then (unless brief) each section's text. */
final class ContextText {
  private ContextText() {}

  static void print(ContextReport r, PrintWriter out, boolean brief) {
    NumberFormat num = NumberFormat.getIntegerInstance(Locale.ROOT);
    long total = r.totalTokens();
    out.printf(
        "context window of %s: %s / %s tokens (%d%%); summarises above %s (%d%%)%n",
        r.agent(),
        num.format(total),
        num.format(r.contextWindow()),
        Math.round(100.0 * total / r.contextWindow()),
        num.format(r.thresholdTokens()),
        Math.round(100.0 * r.thresholdTokens() / r.contextWindow()));
    out.printf(
        "tokens counted with %s; %s of %s history records in the window%n",
        r.encoding(), num.format(r.messages()), num.format(r.historyRecords()));
    if (!r.unavailableTools().isEmpty()) {
      out.println(
          "not offered (not available in this memdir): " + String.join(", ", r.unavailableTools()));
    }
    out.println();
    for (Section s : r.sections()) {
      String name = s.name().equals("messages") ? "messages (" + r.messages() + ")" : s.name();
      out.printf("  %-16s %8s%n", name, num.format(s.tokens()));
    }
    out.printf("  %-16s %8s%n", "total", num.format(total));
    if (brief) {
      return;
    }
    for (Section s : r.sections()) {
      if (s.text().isEmpty()) {
        continue;
      }
      out.println();
      out.println("== " + s.name() + " (" + num.format(s.tokens()) + " tokens) ==");
      out.println(s.text());
    }
  }
}
