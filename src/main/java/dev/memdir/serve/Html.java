package dev.memdir.serve;

/** HTML escaping and page frames for the web view. */
final class Html {
  private Html() {}

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  static String errorPage(int status, String detail) {
    return "<!doctype html><meta charset=utf-8><title>memdir: "
        + status
        + "</title><h1>"
        + status
        + "</h1><p>"
        + esc(detail)
        + "</p><p><a href=\"/ui\">agents</a></p>";
  }
}
