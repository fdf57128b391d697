package dev.memdir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.MemdirException;
import dev.memdir.Validation;
import dev.memdir.format.AgentConfig;
import dev.memdir.llm.ModelCheckup;
import dev.memdir.llm.ModelCheckup.Finding;
import dev.memdir.llm.ModelCheckup.Status;
import dev.memdir.llm.ModelConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check the agent directory, which model it would use, whether the endpoint answers and"
          + " whether the model accepts tools.",
      "Each line is ok / warning / problem / skipped; problems say what to do. Exit 1 on any"
          + " problem."
    })
final class DoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentDir dir;

  @Mixin ModelOptions modelOptions = new ModelOptions();

  @Mixin JsonOption json;

  private final Map<String, String> env;

  DoctorCommand() {
    this(System.getenv());
  }

  /** A doctor that reads keys and URLs from {@code env} instead of the real environment. */
  DoctorCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public Integer call() {
    List<Finding> findings = new ArrayList<>();
    findings.add(agent());
    // validate's warnings, each on its own line: a count alone says there is something to see.
    warnings().forEach(w -> findings.add(new Finding(Status.WARNING, "agent", w.toString())));
    Optional<ModelConfig> config = modelConfig(findings);
    if (config.isPresent()) {
      findings.addAll(ModelCheckup.run(config.get()));
    }
    boolean ok = findings.stream().noneMatch(f -> f.status() == Status.PROBLEM);
    if (json.on) {
      ObjectNode o = Cli.object();
      o.put("ok", ok);
      ArrayNode arr = o.putArray("checks");
      for (Finding f : findings) {
        arr.addObject()
            .put("check", f.topic())
            .put("status", f.status().word())
            .put("message", f.message());
      }
      Cli.printJson(spec, o);
    } else {
      PrintWriter out = Cli.out(spec);
      for (Finding f : findings) {
        out.printf("%-8s %s: %s%n", f.status().word(), f.topic(), f.message());
      }
    }
    return ok ? 0 : 1;
  }

  private List<dev.memdir.format.Problem> warnings() {
    return validation == null ? List.of() : validation.warnings();
  }

  /** What {@link #agent()} found, for the warnings it counts. */
  private Validation validation;

  private Finding agent() {
    Validation v;
    try {
      v = Agent.validate(dir.path);
      validation = v;
    } catch (MemdirException e) {
      return new Finding(Status.PROBLEM, "agent", e.getMessage());
    }
    String counts = v.errors().size() + " error(s), " + v.warnings().size() + " warning(s)";
    if (v.ok()) {
      return new Finding(Status.OK, "agent", dir.path + " is valid (" + counts + ")");
    }
    return new Finding(
        Status.PROBLEM,
        "agent",
        dir.path
            + ": "
            + counts
            + ", first: "
            + v.errors().get(0)
            + ": run `memdir validate "
            + dir.path
            + "` for all of them");
  }

  private Optional<ModelConfig> modelConfig(List<Finding> findings) {
    try {
      AgentConfig config;
      // No warnings on open: the agent check above already lists every agent.yaml problem.
      try (Agent agent = Agent.open(dir.path)) {
        if (modelOptions.model().isEmpty()) {
          agent.requireConfig("model", "base_url");
        }
        config = agent.config();
      } catch (MemdirException e) {
        if (modelOptions.model().isEmpty()) {
          findings.add(
              new Finding(
                  Status.SKIPPED,
                  "model",
                  "not checked: agent.yaml cannot be"
                      + " read ("
                      + e.getMessage()
                      + "); fix it or pass --model"));
          return Optional.empty();
        }
        config = AgentConfig.defaults("agent");
      }
      return Optional.of(modelOptions.resolve(config, env));
    } catch (MemdirException e) {
      findings.add(new Finding(Status.PROBLEM, "model", e.getMessage()));
      return Optional.empty();
    }
  }
}
