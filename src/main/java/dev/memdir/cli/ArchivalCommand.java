package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.archival.Fact;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "archival",
    mixinStandardHelpOptions = true,
    description = "Add, list, get and delete archival facts.",
    subcommands = {
      ArchivalCommand.Add.class,
      ArchivalCommand.ListFacts.class,
      ArchivalCommand.Get.class,
      ArchivalCommand.Delete.class,
    })
final class ArchivalCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: add, list, get or delete");
  }

  static ObjectNode toJson(Fact f) {
    ObjectNode o = Cli.object();
    o.put("id", f.id());
    o.put("created", f.created().toString());
    ArrayNode tags = o.putArray("tags");
    f.tags().forEach(tags::add);
    o.put("file", "archival/" + f.fileName());
    o.put("text", f.text());
    return o;
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Store TEXT as a new fact; prints its id.")
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The agent directory.")
    Path dir;

    @Parameters(index = "1", paramLabel = "TEXT", description = "The fact ('-' reads stdin).")
    String text;

    @Option(names = "--tag", paramLabel = "TAG", description = "A tag; repeat for more.")
    List<String> tags = new ArrayList<>();

    @Mixin WaitOption wait;

    @Override
    public Integer call() {
      String t = Cli.text(spec, text);
      try (Agent agent = Agent.open(dir, wait.duration())) {
        Fact f = agent.archival().insert(t, tags);
        Cli.out(spec).println(f.id());
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List facts, oldest first.")
  static final class ListFacts implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The agent directory.")
    Path dir;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      try (Agent agent = Agent.open(dir)) {
        var snapshot = agent.archival().list();
        if (json) {
          ArrayNode arr = Cli.JSON.createArrayNode();
          snapshot.facts().forEach(f -> arr.add(toJson(f)));
          Cli.printJson(spec, arr);
          return 0;
        }
        PrintWriter out = Cli.out(spec);
        for (Fact f : snapshot.facts()) {
          String firstLine = f.text().lines().findFirst().orElse("");
          out.println(
              f.id()
                  + "  "
                  + (f.tags().isEmpty() ? "" : "[" + String.join(", ", f.tags()) + "] ")
                  + (firstLine.length() > 80 ? firstLine.substring(0, 77) + "..." : firstLine));
        }
        snapshot.problems().stream().filter(p -> p.isError()).forEach(p -> spec.commandLine().getErr().println("problem: " + p));
      }
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Print one fact.")
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The agent directory.")
    Path dir;

    @Parameters(index = "1", paramLabel = "ID", description = "The fact's id or file name.")
    String id;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      try (Agent agent = Agent.open(dir)) {
        Fact f = agent.archival().get(id);
        if (json) {
          Cli.printJson(spec, toJson(f));
        } else {
          Cli.out(spec).println(f.text());
        }
      }
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete one fact's file.")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The agent directory.")
    Path dir;

    @Parameters(index = "1", paramLabel = "ID", description = "The fact's id or file name.")
    String id;

    @Mixin WaitOption wait;

    @Override
    public Integer call() {
      try (Agent agent = Agent.open(dir, wait.duration())) {
        Fact f = agent.archival().delete(id);
        Cli.out(spec).println("deleted " + f.id());
      }
      return 0;
    }
  }
}
