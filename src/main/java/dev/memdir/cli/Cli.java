package dev.memdir.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.MemdirException;
import dev.memdir.format.TextFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** What the commands share: standard input for {@code -}, output, JSON. */
final class Cli {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The most bytes read from standard input for one TEXT argument. */
  static final int MAX_STDIN_BYTES = 1 << 20;

  private Cli() {}

  static PrintWriter out(CommandLine.Model.CommandSpec spec) {
    return spec.commandLine().getOut();
  }

  /** The argument, or standard input when it is {@code -}. */
  static String text(CommandLine.Model.CommandSpec spec, String arg) {
    if (!"-".equals(arg)) {
      return arg;
    }
    InputStream in = ((Main) spec.root().userObject()).in;
    try {
      byte[] bytes = in.readNBytes(MAX_STDIN_BYTES + 1);
      if (bytes.length > MAX_STDIN_BYTES) {
        throw new MemdirException("standard input is over " + MAX_STDIN_BYTES + " bytes");
      }
      String s = TextFiles.decode(bytes, "standard input");
      return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    } catch (IOException e) {
      throw new MemdirException("cannot read standard input: " + e.getMessage(), e);
    }
  }

  /** Prints notes (rebuilds, capped values, empty queries) on standard error. */
  static void notes(CommandLine.Model.CommandSpec spec, java.util.List<String> notes) {
    for (String n : notes) {
      spec.commandLine().getErr().println("note: " + n);
    }
    spec.commandLine().getErr().flush();
  }

  /** A usage error when DIR is missing, for commands whose subcommands take their own DIR. */
  static void requireDir(CommandLine.Model.CommandSpec spec, Path dir) {
    if (dir == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing required parameter: 'DIR'");
    }
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static void printJson(CommandLine.Model.CommandSpec spec, Object value) {
    try {
      out(spec).println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
