package dev.memdir.serve;

/** The web view under {@code /ui}. */
final class WebView {
  private final Agents agents;
  private final LettaApi.Models models;

  WebView(Agents agents, LettaApi.Models models) {
    this.agents = agents;
    this.models = models;
  }

  void handle(Exchange x) {
    if (x.path.equals("/")) {
      x.redirect("/ui");
      return;
    }
    throw ApiException.notFound("no page at " + x.path);
  }
}
