package dev.memdir;

import dev.memdir.format.Problem;
import java.util.List;

/**
 * Every problem found in an agent directory.
 *
 * @param errors what keeps a part of the agent from working
 * @param warnings what is odd but harmless
 */
public record Validation(List<Problem> errors, List<Problem> warnings) {
  /** Copies the lists. */
  public Validation {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  /** Whether there are no errors. */
  public boolean ok() {
    return errors.isEmpty();
  }
}
