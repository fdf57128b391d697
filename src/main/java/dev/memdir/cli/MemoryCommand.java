package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.format.WriteLock;
import dev.memdir.memory.Actor;
import dev.memdir.memory.Block;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "memory",
    mixinStandardHelpOptions = true,
    description = "Print core memory blocks, or edit them with a subcommand.",
    subcommands = {
      MemoryCommand.Append.class,
      MemoryCommand.Replace.class,
      MemoryCommand.Insert.class,
      MemoryCommand.Set.class,
      MemoryCommand.Create.class,
      MemoryCommand.Delete.class,
    })
final class MemoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Optional to picocli so that the subcommands (which take their own DIR) parse; required below.
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The agent directory.")
  Path dir;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "LABEL",
      description = "One block to print.")
  String label;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    Cli.requireDir(spec, dir);
    try (Agent agent = AgentDir.open(spec, dir, WriteLock.DEFAULT_WAIT)) {
      List<Block> blocks =
          label == null ? agent.memory().load().blocks() : List.of(agent.memory().get(label));
      if (json.on) {
        ArrayNode arr = Cli.JSON.createArrayNode();
        blocks.forEach(b -> arr.add(toJson(b)));
        Cli.printJson(spec, label == null ? arr : arr.get(0));
        return 0;
      }
      PrintWriter out = Cli.out(spec);
      if (label != null) {
        out.println(blocks.get(0).value());
        return 0;
      }
      for (Block b : blocks) {
        out.println("== " + header(b));
        out.println(b.value());
        out.println();
      }
    }
    return 0;
  }

  static ObjectNode toJson(Block b) {
    ObjectNode o = Cli.object();
    o.put("label", b.label());
    o.put("description", b.description());
    o.put("chars", b.chars());
    o.put("limit", b.limit());
    o.put("read_only", b.readOnly());
    o.set("metadata", b.metadata());
    o.put("value", b.value());
    return o;
  }

  static String header(Block b) {
    return b.label()
        + " ("
        + b.chars()
        + " / "
        + b.limit()
        + " chars"
        + (b.readOnly() ? ", read-only" : "")
        + ")"
        + (b.description().isEmpty() ? "" : " — " + b.description());
  }

  /** Shared by the edit subcommands: open, edit, report the new size. */
  abstract static class Edit implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin AgentDir dir;

    @Parameters(index = "1", paramLabel = "LABEL", description = "The block.")
    String label;

    @Mixin WaitOption wait;

    Integer edit(Function<Agent, Block> change) {
      try (Agent agent = dir.open(wait)) {
        Block b = agent.write("memory " + spec.name(), () -> change.apply(agent));
        Cli.out(spec).println(header(b));
      }
      return 0;
    }
  }

  @Command(
      name = "append",
      mixinStandardHelpOptions = true,
      description = "Append TEXT on a new line.")
  static final class Append extends Edit {
    @Parameters(index = "2", paramLabel = "TEXT", description = "The text ('-' reads stdin).")
    String text;

    @Override
    public Integer call() {
      String t = Cli.text(spec, text);
      return edit(a -> a.memory().append(Actor.PERSON, label, t));
    }
  }

  @Command(
      name = "replace",
      mixinStandardHelpOptions = true,
      description = "Replace the one occurrence of OLD with NEW.")
  static final class Replace extends Edit {
    @Parameters(
        index = "2",
        paramLabel = "OLD",
        description = "Exact text to replace; must occur once.")
    String oldText;

    @Parameters(index = "3", paramLabel = "NEW", description = "Replacement ('-' reads stdin).")
    String newText;

    @Override
    public Integer call() {
      String n = Cli.text(spec, newText);
      return edit(a -> a.memory().replace(Actor.PERSON, label, oldText, n));
    }
  }

  @Command(
      name = "insert",
      mixinStandardHelpOptions = true,
      description = "Insert TEXT as lines: --line 0 = top, -1 = end (default), N = after line N.")
  static final class Insert extends Edit {
    @Parameters(index = "2", paramLabel = "TEXT", description = "The text ('-' reads stdin).")
    String text;

    @Option(
        names = "--line",
        defaultValue = "-1",
        converter = Opts.InsertLine.class,
        description = "Insert after this line (default: ${DEFAULT-VALUE}).")
    int line;

    @Override
    public Integer call() {
      String t = Cli.text(spec, text);
      return edit(a -> a.memory().insert(Actor.PERSON, label, t, line));
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Replace the block's whole value with TEXT.")
  static final class Set extends Edit {
    @Parameters(index = "2", paramLabel = "TEXT", description = "The new value ('-' reads stdin).")
    String text;

    @Override
    public Integer call() {
      String t = Cli.text(spec, text);
      return edit(a -> a.memory().rethink(Actor.PERSON, label, t));
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an empty block.")
  static final class Create extends Edit {
    @Option(names = "--description", defaultValue = "", description = "What the block is for.")
    String description;

    @Option(
        names = "--limit",
        defaultValue = "5000",
        converter = Opts.Positive.class,
        description = "Most characters (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--value", defaultValue = "", description = "Initial text ('-' reads stdin).")
    String value;

    @Override
    public Integer call() {
      String v = Cli.text(spec, value);
      return edit(a -> a.memory().create(label, description, limit, v));
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a block's file.")
  static final class Delete extends Edit {
    @Override
    public Integer call() {
      try (Agent agent = dir.open(wait)) {
        agent.write(
            "memory delete",
            () -> {
              agent.memory().delete(label);
              return label;
            });
        Cli.out(spec).println("deleted block '" + label + "'");
      }
      return 0;
    }
  }
}
