package dev.memdir.search;

import com.google.re2j.Pattern;
import dev.memdir.ToolException;

/**
 * A file-name pattern for {@code grep_files(include=...)}: {@code *} (within a folder), {@code **}
 * (across folders), {@code ?}, {@code [abc]}, {@code {md,txt}}. A pattern without {@code /} matches
 * file names in any folder ({@code *.md}); one with {@code /} matches the whole path under {@code
 * files/} ({@code notes/**}). Compiled to RE2J, so matching is linear however the pattern is
 * written (the JDK's glob compiles to a backtracking regex).
 */
final class Glob {
  /** The longest pattern accepted. */
  static final int MAX_CHARS = 256;

  private final Pattern pattern;
  private final boolean wholePath;

  private Glob(Pattern pattern, boolean wholePath) {
    this.pattern = pattern;
    this.wholePath = wholePath;
  }

  /**
   * Compiles a glob.
   *
   * @throws ToolException when it is too long or malformed
   */
  static Glob compile(String glob) {
    if (glob.length() > MAX_CHARS) {
      throw new ToolException("include is " + glob.length() + " chars; at most " + MAX_CHARS);
    }
    if (glob.isBlank()) {
      throw new ToolException("include is empty; give a file pattern like *.md, or leave it out");
    }
    if (glob.indexOf('\0') >= 0) {
      throw new ToolException("include contains a NUL byte");
    }
    String g = glob.startsWith("files/") ? glob.substring("files/".length()) : glob;
    StringBuilder re = new StringBuilder("^");
    int braces = 0;
    for (int i = 0; i < g.length(); i++) {
      char c = g.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < g.length() && g.charAt(i + 1) == '*') {
            i++;
            if (i + 1 < g.length() && g.charAt(i + 1) == '/') {
              i++;
              re.append("(?:.*/)?");
            } else {
              re.append(".*");
            }
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '[' -> {
          int end = g.indexOf(']', i + 2);
          if (end < 0) {
            throw new ToolException("include '" + glob + "' has a '[' without a closing ']'");
          }
          String body = g.substring(i + 1, end);
          if (body.startsWith("!")) {
            body = "^" + body.substring(1);
          }
          re.append('[').append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
          i = end;
        }
        case '{' -> {
          braces++;
          re.append("(?:");
        }
        case '}' -> {
          if (braces == 0) {
            throw new ToolException("include '" + glob + "' has a '}' without a '{'");
          }
          braces--;
          re.append(')');
        }
        case ',' -> re.append(braces > 0 ? "|" : ",");
        case '\\' -> {
          if (i + 1 < g.length()) {
            i++;
            re.append(escape(g.charAt(i)));
          }
        }
        default -> re.append(escape(c));
      }
    }
    if (braces > 0) {
      throw new ToolException("include '" + glob + "' has a '{' without a closing '}'");
    }
    re.append('$');
    try {
      return new Glob(Pattern.compile(re.toString()), g.indexOf('/') >= 0);
    } catch (com.google.re2j.PatternSyntaxException e) {
      throw new ToolException(
          "include '" + glob + "' is not a valid pattern: " + e.getDescription());
    }
  }

  private static String escape(char c) {
    if (Character.isLetterOrDigit(c) || c > 127 || c == '/' || c == ' ') {
      return String.valueOf(c);
    }
    return "\\" + c;
  }

  /** Whether the file {@code name} (relative to {@code files/}) matches. */
  boolean matches(String name) {
    if (wholePath) {
      return pattern.matches(name);
    }
    int slash = name.lastIndexOf('/');
    return pattern.matches(slash < 0 ? name : name.substring(slash + 1));
  }
}
