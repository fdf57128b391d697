package dev.memdir.cli;

import picocli.CommandLine.Option;

/** {@code --json}, on the commands that can print JSON instead of text. */
final class JsonOption {
  @Option(names = "--json", description = "Print JSON.")
  boolean on;
}
