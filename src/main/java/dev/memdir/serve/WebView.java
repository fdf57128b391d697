package dev.memdir.serve;

import dev.memdir.Agent;
import dev.memdir.EditException;
import dev.memdir.MemdirException;
import dev.memdir.agent.ContextReport;
import dev.memdir.agent.Section;
import dev.memdir.archival.Fact;
import dev.memdir.format.TextFiles;
import dev.memdir.history.Record;
import dev.memdir.memory.Actor;
import dev.memdir.memory.Block;
import dev.memdir.search.FactHit;
import dev.memdir.search.FileHit;
import dev.memdir.search.GrepMatch;
import dev.memdir.search.GrepPage;
import dev.memdir.search.MessageHit;
import dev.memdir.search.Search;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The web view under {@code /ui}: server-rendered pages of an agent's core memory (with an editor
 * that never overwrites a concurrent hand edit), context window, history, archival facts and files,
 * a chat panel, and live updates when the agent's files change on disk.
 */
final class WebView {
  /** The most history records or facts a page lists. */
  static final int PAGE = 100;

  /** The largest file the files page opens. */
  static final long MAX_OPEN_BYTES = 1L << 20;

  /** How often the change stream looks at the agent's files. */
  static final long POLL_MILLIS = 300;

  /** How long one change stream stays open before the browser reconnects. */
  static final long STREAM_MILLIS = 10 * 60_000;

  private final Agents agents;
  private volatile boolean stopped;

  /** The chat panel runs turns through {@code /v1}, so the web view needs no model of its own. */
  WebView(Agents agents) {
    this.agents = agents;
  }

  void stop() {
    stopped = true;
  }

  void handle(Exchange x) {
    List<String> p = x.parts();
    if (p.isEmpty()) {
      x.redirect("/ui");
      return;
    }
    if (!p.get(0).equals("ui")) {
      throw ApiException.notFound("no page at " + x.path);
    }
    if (p.size() == 1) {
      index(x);
      return;
    }
    if (p.size() == 3 && p.get(1).equals("static")) {
      asset(x, p.get(2));
      return;
    }
    if (p.size() < 3 || !p.get(1).equals("a")) {
      throw ApiException.notFound("no page at " + x.path);
    }
    Path dir = agents.dir(p.get(2));
    String page = p.size() == 3 ? "" : p.get(3);
    switch (page) {
      case "" -> agentPage(x, dir);
      case "blocks" -> {
        if (p.size() != 5 || !x.method.equals("POST")) {
          throw new ApiException(405, "save a block with POST /ui/a/AGENT/blocks/LABEL");
        }
        saveBlock(x, dir, p.get(4));
      }
      case "history" -> historyPage(x, dir);
      case "archival" -> archivalPage(x, dir);
      case "files" -> filesPage(x, dir);
      case "events" -> changes(x, dir);
      default -> throw ApiException.notFound("no page at " + x.path);
    }
  }

  // ---- pages

  private void index(Exchange x) {
    StringBuilder sb = new StringBuilder("<section><h2>Agents</h2><table>");
    for (Path d : agents.dirs()) {
      Agent a = agents.agent(d);
      String name = d.getFileName().toString();
      sb.append("<tr><td><a href=\"/ui/a/")
          .append(url(name))
          .append("\">")
          .append(Html.esc(a.config().name()))
          .append("</a></td><td class=meta>")
          .append(Html.esc(a.config().description()))
          .append("</td><td class=meta>")
          .append(Html.esc(a.config().model()))
          .append("</td><td class=meta>")
          .append(Html.esc(Agents.idOf(d)))
          .append("</td></tr>");
    }
    sb.append("</table></section>");
    x.html(
        200,
        frame(
            "memdir agents", Optional.empty(), "", "<main class=one><div>" + sb + "</div></main>"));
  }

  private void agentPage(Exchange x, Path dir) {
    Agent a = agents.agent(dir);
    String name = dir.getFileName().toString();
    StringBuilder left = new StringBuilder();
    left.append("<section id=memory><h2>Core memory</h2>");
    CoreMemorySnapshot snap = CoreMemorySnapshot.of(a);
    for (String problem : snap.problems) {
      left.append("<p class=error>").append(Html.esc(problem)).append("</p>");
    }
    for (Block b : snap.blocks) {
      left.append(blockHtml(name, b));
    }
    left.append("</section>");
    left.append(contextHtml(a));
    StringBuilder right = new StringBuilder();
    right
        .append("<section id=chat><h2>Chat</h2><div id=chat-log></div>")
        .append("<form id=chat-form data-api=\"/v1/agents/")
        .append(url(name))
        .append("/messages\"><textarea name=message placeholder=\"Message ")
        .append(Html.esc(a.config().name()))
        .append(" (model ")
        .append(Html.esc(a.config().model()))
        .append(")\"></textarea><button type=submit>Send</button> <span id=chat-status class=meta>")
        .append("</span></form></section>");
    right.append("<section id=recent data-live><h2>Recent history</h2>");
    right.append(recordsTable(a.history().tail(12)));
    right
        .append("<p><a href=\"/ui/a/")
        .append(url(name))
        .append("/history\">all history…</a></p></section>");
    x.html(
        200,
        frame(
            a.config().name(),
            Optional.of(name),
            "/ui/a/" + url(name) + "/events",
            "<main><div>" + left + "</div><div>" + right + "</div></main>"));
  }

  private record CoreMemorySnapshot(List<Block> blocks, List<String> problems) {
    static CoreMemorySnapshot of(Agent a) {
      var s = a.memory().load();
      return new CoreMemorySnapshot(
          s.blocks(), s.problems().stream().map(Object::toString).toList());
    }
  }

  private static String blockHtml(String agent, Block b) {
    int chars = b.chars();
    StringBuilder sb = new StringBuilder();
    sb.append("<div class=block id=\"block-")
        .append(Html.esc(b.label()))
        .append("\" data-live><h3>")
        .append(Html.esc(b.label()))
        .append(b.readOnly() ? " <span class=tag>read-only for the agent</span>" : "")
        .append("</h3><div class=meta>")
        .append(Html.esc(b.description()))
        .append("</div><div class=meta><span class=chars>")
        .append(chars)
        .append(" / ")
        .append(b.limit())
        .append("</span> chars</div>")
        .append(bar(chars, b.limit()))
        .append("<div class=md>")
        .append(Markdown.html(b.value()))
        .append("</div><details><summary>edit</summary><form method=post action=\"/ui/a/")
        .append(url(agent))
        .append("/blocks/")
        .append(url(b.label()))
        .append("\"><input type=hidden name=hash value=\"")
        .append(b.valueHash())
        .append("\"><p class=stale hidden>This block changed on disk since you began editing;")
        .append(" saving will show both texts.</p><textarea name=value rows=6>")
        .append(Html.esc(b.value()))
        .append("</textarea><button type=submit>Save</button></form></details></div>");
    return sb.toString();
  }

  private static String bar(long used, long of) {
    double pct = of <= 0 ? 0 : Math.min(100.0, 100.0 * used / of);
    return "<div class=\"bar"
        + (used > of ? " over" : "")
        + "\"><span style=\"width:"
        + String.format(java.util.Locale.ROOT, "%.1f", pct)
        + "%\"></span></div>";
  }

  /** The context window section by section, as {@code memdir context} prints it. */
  private static String contextHtml(Agent a) {
    StringBuilder sb = new StringBuilder("<section id=context data-live><h2>Context window</h2>");
    ContextReport r;
    try {
      r = a.context();
    } catch (MemdirException e) {
      return sb.append("<p class=error>")
          .append(Html.esc(e.getMessage()))
          .append("</p></section>")
          .toString();
    }
    long total = r.totalTokens();
    sb.append("<p class=meta><span id=context-total>")
        .append(total)
        .append("</span> / ")
        .append(r.contextWindow())
        .append(" tokens (")
        .append(Math.round(100.0 * total / r.contextWindow()))
        .append("%); summarises above ")
        .append(r.thresholdTokens())
        .append("; ")
        .append(r.messages())
        .append(" of ")
        .append(r.historyRecords())
        .append(" history records in the window; counted with ")
        .append(Html.esc(r.encoding()))
        .append("</p>")
        .append(bar(total, r.contextWindow()));
    for (Section s : r.sections()) {
      sb.append("<details class=section><summary>")
          .append(Html.esc(s.name()))
          .append(" — ")
          .append(s.tokens())
          .append(" tokens</summary><pre>")
          .append(Html.esc(s.text()))
          .append("</pre></details>")
          .append(bar(s.tokens(), r.contextWindow()));
    }
    return sb.append("</section>").toString();
  }

  private void saveBlock(Exchange x, Path dir, String label) {
    Agent a = agents.agent(dir);
    var form = x.formBody();
    String value = form.getOrDefault("value", "").replace("\r\n", "\n");
    String hash = form.getOrDefault("hash", "");
    Block current =
        a.memory().find(label).orElseThrow(() -> ApiException.notFound("no block " + label));
    String name = dir.getFileName().toString();
    if (!hash.equals(current.valueHash())) {
      x.html(409, conflictPage(a, name, current, value));
      return;
    }
    try {
      a.write(
          "serve: memory edit " + label,
          () -> a.memory().rethink(Actor.PERSON, label, value, Optional.of(hash)));
    } catch (EditException e) {
      Block now = a.memory().get(label);
      x.html(409, conflictPage(a, name, now, value));
      return;
    }
    x.redirect("/ui/a/" + url(name) + "#block-" + url(label));
  }

  private static String conflictPage(Agent a, String agent, Block onDisk, String yours) {
    String body =
        "<main class=one><div><section><h2>Conflict in block "
            + Html.esc(onDisk.label())
            + "</h2><p class=notice>The block changed on disk (a hand edit or the agent) since you"
            + " opened the editor. Nothing was overwritten. Compare the two texts; save yours"
            + " over the disk's only if you mean to.</p><div class=conflict><div><h3>On disk"
            + " now</h3><pre id=disk-text>"
            + Html.esc(onDisk.value())
            + "</pre><p><a href=\"/ui/a/"
            + url(agent)
            + "\">keep the disk's text</a></p></div><div><h3>Yours</h3><form method=post"
            + " action=\"/ui/a/"
            + url(agent)
            + "/blocks/"
            + url(onDisk.label())
            + "\"><input type=hidden name=hash value=\""
            + onDisk.valueHash()
            + "\"><textarea name=value rows=10 id=your-text>"
            + Html.esc(yours)
            + "</textarea><button type=submit>Save mine over the disk's</button></form></div>"
            + "</div></section></div></main>";
    return frame("conflict: " + onDisk.label(), Optional.of(agent), "", body);
  }

  private void historyPage(Exchange x, Path dir) {
    Agent a = agents.agent(dir);
    String name = dir.getFileName().toString();
    String q = x.param("q").orElse("").strip();
    String role = x.param("role").orElse("");
    String from = x.param("from").orElse("");
    String to = x.param("to").orElse("");
    StringBuilder sb = new StringBuilder("<section id=history data-live><h2>History</h2>");
    sb.append("<form class=inline><input name=q placeholder=search value=\"")
        .append(Html.esc(q))
        .append("\"><select name=role><option value=\"\">any role</option>");
    for (String r : List.of("user", "assistant", "tool", "summary", "event", "system")) {
      sb.append("<option")
          .append(r.equals(role) ? " selected" : "")
          .append('>')
          .append(r)
          .append("</option>");
    }
    sb.append("</select> from <input type=date name=from value=\"")
        .append(Html.esc(from))
        .append("\"> to <input type=date name=to value=\"")
        .append(Html.esc(to))
        .append("\"><button>Filter</button></form>");
    if (q.isEmpty() && role.isEmpty() && from.isEmpty() && to.isEmpty()) {
      sb.append("<p class=meta>the last ").append(PAGE).append(" records, newest last</p>");
      sb.append(recordsTable(a.history().tail(PAGE)));
    } else {
      Optional<Instant> start =
          from.isEmpty() ? Optional.empty() : Optional.of(Search.parseTime("from", from, false));
      Optional<Instant> end =
          to.isEmpty() ? Optional.empty() : Optional.of(Search.parseTime("to", to, true));
      List<MessageHit> hits =
          a.search()
              .conversationSearch(q, role.isEmpty() ? List.of() : List.of(role), start, end, PAGE)
              .hits();
      sb.append("<p class=meta>").append(hits.size()).append(" records</p><table>");
      for (MessageHit h : hits) {
        sb.append(row(h.ts(), h.role(), h.content()));
      }
      sb.append("</table>");
    }
    sb.append("</section>");
    x.html(
        200,
        frame(
            "history: " + a.config().name(),
            Optional.of(name),
            "/ui/a/" + url(name) + "/events",
            "<main class=one><div>" + sb + "</div></main>"));
  }

  private static String recordsTable(List<Record> records) {
    StringBuilder sb = new StringBuilder("<table class=records>");
    for (Record r : records) {
      String content = r.content();
      if (r.toolCalls().isPresent()) {
        StringBuilder calls = new StringBuilder(content);
        r.toolCalls()
            .get()
            .forEach(
                c ->
                    calls
                        .append("\n\n→ `")
                        .append(c.path("function").path("name").asText())
                        .append("` ")
                        .append(c.path("function").path("arguments").asText()));
        content = calls.toString();
      }
      sb.append(row(r.ts(), r.role(), content));
    }
    return sb.append("</table>").toString();
  }

  private static String row(Instant ts, String role, String content) {
    return "<tr><td class=meta>"
        + Html.esc(ts.toString().replace('T', ' ').replace("Z", ""))
        + "</td><td class=role>"
        + Html.esc(role)
        + "</td><td class=md>"
        + Markdown.html(content)
        + "</td></tr>";
  }

  private void archivalPage(Exchange x, Path dir) {
    Agent a = agents.agent(dir);
    String name = dir.getFileName().toString();
    String q = x.param("q").orElse("").strip();
    String tag = x.param("tag").orElse("").strip();
    StringBuilder sb = new StringBuilder("<section id=facts data-live><h2>Archival facts</h2>");
    sb.append("<form class=inline><input name=q placeholder=search value=\"")
        .append(Html.esc(q))
        .append("\"><input name=tag placeholder=tag value=\"")
        .append(Html.esc(tag))
        .append("\"><button>Search</button></form><table>");
    if (q.isEmpty() && tag.isEmpty()) {
      List<Fact> facts = new ArrayList<>(a.archival().list().facts());
      facts.sort(Comparator.comparing(Fact::created).reversed());
      sb.append("<p class=meta>").append(facts.size()).append(" facts, newest first</p>");
      facts.stream()
          .limit(PAGE * 5L)
          .forEach(f -> sb.append(factRow(name, f.id(), f.created(), f.tags(), f.text())));
    } else {
      List<FactHit> hits =
          a.search()
              .archivalMemorySearch(
                  q,
                  tag.isEmpty() ? List.of() : List.of(tag),
                  Search.TagMatch.ANY,
                  Optional.empty(),
                  Optional.empty(),
                  PAGE)
              .hits();
      sb.append("<p class=meta>").append(hits.size()).append(" facts</p>");
      hits.forEach(h -> sb.append(factRow(name, h.id(), h.created(), h.tags(), h.text())));
    }
    sb.append("</table></section>");
    x.html(
        200,
        frame(
            "archival: " + a.config().name(),
            Optional.of(name),
            "/ui/a/" + url(name) + "/events",
            "<main class=one><div>" + sb + "</div></main>"));
  }

  private static String factRow(
      String agent, String id, Instant created, List<String> tags, String text) {
    StringBuilder t = new StringBuilder();
    for (String tag : tags) {
      t.append("<a class=tag href=\"/ui/a/")
          .append(url(agent))
          .append("/archival?tag=")
          .append(url(tag))
          .append("\">")
          .append(Html.esc(tag))
          .append("</a>");
    }
    return "<tr><td class=meta>"
        + Html.esc(created.toString().substring(0, 10))
        + "<br>"
        + Html.esc(id)
        + "</td><td>"
        + t
        + "</td><td class=md>"
        + Markdown.html(text)
        + "</td></tr>";
  }

  private void filesPage(Exchange x, Path dir) {
    Agent a = agents.agent(dir);
    String name = dir.getFileName().toString();
    String q = x.param("q").orElse("").strip();
    String grep = x.param("grep").orElse("");
    String open = x.param("open").orElse("");
    StringBuilder sb = new StringBuilder("<section id=files><h2>files/</h2>");
    sb.append("<form class=inline><input name=q placeholder=\"search (BM25)\" value=\"")
        .append(Html.esc(q))
        .append("\"><button>Search</button></form><form class=inline><input name=grep")
        .append(" placeholder=\"grep (regular expression)\" value=\"")
        .append(Html.esc(grep))
        .append("\"><button>Grep</button></form>");
    if (!q.isEmpty()) {
      sb.append("<h3>Search</h3><table>");
      for (FileHit h : a.search().searchFiles(q, 20, Optional.empty()).hits()) {
        sb.append("<tr><td>")
            .append(openLink(name, h.file(), h.startLine()))
            .append(
                h.headings().isEmpty() ? "" : "<br><small>" + Html.esc(h.section()) + "</small>")
            .append("</td><td><pre>")
            .append(Html.esc(h.text()))
            .append("</pre></td></tr>");
      }
      sb.append("</table>");
    }
    if (!grep.isEmpty()) {
      GrepPage page = a.search().grepFiles(grep, Optional.empty(), 1, 0, true);
      sb.append("<h3>Grep</h3><table>");
      for (GrepMatch m : page.matches()) {
        sb.append("<tr><td>")
            .append(openLink(name, m.file(), m.line()))
            .append("</td><td><pre>")
            .append(Html.esc(m.text()))
            .append("</pre></td></tr>");
      }
      sb.append("</table>");
      for (String note : page.notes()) {
        sb.append("<p class=meta>").append(Html.esc(note)).append("</p>");
      }
    }
    if (!open.isEmpty()) {
      sb.append(openFile(a, name, open, x.intParam("line").orElse(1)));
    }
    sb.append("<h3>All files</h3><ul>");
    for (String f : listFiles(a.layout().filesDir())) {
      sb.append("<li>").append(openLink(name, f, 1)).append("</li>");
    }
    sb.append("</ul></section>");
    x.html(
        200,
        frame(
            "files: " + a.config().name(),
            Optional.of(name),
            "",
            "<main class=one><div>" + sb + "</div></main>"));
  }

  private static String openLink(String agent, String file, int line) {
    return "<a href=\"/ui/a/"
        + url(agent)
        + "/files?open="
        + url(file)
        + "&amp;line="
        + line
        + "#L"
        + line
        + "\">"
        + Html.esc(file)
        + (line > 1 ? ":" + line : "")
        + "</a>";
  }

  /** A file under files/, read directly (the agent's open windows stay as they are). */
  private static String openFile(Agent a, String agent, String rel, int line) {
    Path root = a.layout().filesDir();
    Path file = root.resolve(rel).normalize();
    try {
      if (!file.startsWith(root)
          || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          || !file.toRealPath().startsWith(root.toRealPath())) {
        throw ApiException.notFound("no file " + rel + " under files/");
      }
    } catch (IOException e) {
      throw ApiException.notFound("no file " + rel + " under files/");
    }
    String text = TextFiles.read(file, "files/" + rel, MAX_OPEN_BYTES);
    StringBuilder sb = new StringBuilder("<h3>").append(Html.esc(rel)).append("</h3><pre>");
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      sb.append("<span id=L")
          .append(i + 1)
          .append(i + 1 == line ? " style=\"background:#fff4d6\"" : "")
          .append('>')
          .append(String.format("%5d  ", i + 1))
          .append(Html.esc(lines[i]))
          .append("</span>\n");
    }
    sb.append("</pre>");
    if (rel.endsWith(".md")) {
      sb.append("<details><summary>rendered</summary><div class=md>")
          .append(Markdown.html(text))
          .append("</div></details>");
    }
    return sb.toString();
  }

  private static List<String> listFiles(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(r -> !r.startsWith("."))
          .sorted()
          .limit(2000)
          .toList();
    } catch (IOException e) {
      throw new MemdirException("cannot list files/: " + e.getMessage(), e);
    }
  }

  // ---- live updates

  /**
   * A server-sent event stream that says {@code change} whenever a file under memory/, archival/,
   * history/ or files/ (or agent.yaml, system.md) changes; the page then fetches itself again.
   */
  private void changes(Exchange x, Path dir) {
    long end = System.currentTimeMillis() + STREAM_MILLIS;
    try (Exchange.EventStream events = x.events()) {
      String last = stamp(dir);
      events.raw("retry: 1000\n\n");
      int quiet = 0;
      while (!stopped && System.currentTimeMillis() < end) {
        Thread.sleep(POLL_MILLIS);
        String now = stamp(dir);
        if (!now.equals(last)) {
          last = now;
          quiet = 0;
          if (!events.event("change", "{}")) {
            return;
          }
        } else if (++quiet % 30 == 0 && !events.raw(": ping\n\n")) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sizes and modification times of what the page shows, enough to notice a change. */
  static String stamp(Path dir) {
    StringBuilder sb = new StringBuilder();
    for (String sub :
        List.of("agent.yaml", "system.md", "memory", "archival", "history", "files")) {
      Path p = dir.resolve(sub);
      if (!Files.exists(p)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(p, sub.equals("files") ? 8 : 1)) {
        s.limit(5000)
            .forEach(
                f -> {
                  try {
                    BasicFileAttributes at = Files.readAttributes(f, BasicFileAttributes.class);
                    sb.append(f.getFileName())
                        .append(':')
                        .append(at.size())
                        .append(':')
                        .append(at.lastModifiedTime().toMillis())
                        .append(';');
                  } catch (IOException e) {
                    sb.append(f.getFileName()).append(":gone;");
                  }
                });
      } catch (IOException | RuntimeException e) {
        sb.append(sub).append(":unreadable;");
      }
    }
    return TextFiles.sha256(sb.toString());
  }

  // ---- frame and assets

  private static String frame(String title, Optional<String> agent, String events, String main) {
    StringBuilder nav = new StringBuilder("<a href=\"/ui\">agents</a>");
    agent.ifPresent(
        a -> {
          String base = "/ui/a/" + url(a);
          nav.append("<span class=name><a href=\"")
              .append(base)
              .append("\">")
              .append(Html.esc(a))
              .append("</a></span><a href=\"")
              .append(base)
              .append("/history\">history</a><a href=\"")
              .append(base)
              .append("/archival\">archival</a><a href=\"")
              .append(base)
              .append("/files\">files</a>");
        });
    return "<!doctype html><html lang=en><head><meta charset=utf-8><title>"
        + Html.esc(title)
        + "</title><meta name=viewport content=\"width=device-width\">"
        + "<link rel=stylesheet href=\"/ui/static/view.css\"></head><body data-events=\""
        + Html.esc(events)
        + "\"><header>"
        + nav
        + "<span class=meta id=updated></span></header>"
        + main
        + "<script src=\"/ui/static/view.js\"></script></body></html>";
  }

  private static void asset(Exchange x, String name) {
    String type =
        switch (name) {
          case "view.js" -> "text/javascript; charset=utf-8";
          case "view.css" -> "text/css; charset=utf-8";
          default -> throw ApiException.notFound("no asset " + name);
        };
    try (InputStream in = WebView.class.getResourceAsStream(name)) {
      if (in == null) {
        throw ApiException.notFound("no asset " + name);
      }
      x.text(200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new MemdirException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  private static String url(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
