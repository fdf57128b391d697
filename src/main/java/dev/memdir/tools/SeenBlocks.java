package dev.memdir.tools;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The core-memory values the model last saw, as {@code Block.valueHash()} per label: what a memory
 * tool passes as {@code basedOn}, so an edit computed against text a person has changed since is
 * re-applied to the new text where that is safe, or refused. The step loop records the blocks it
 * put into the context; a successful agent edit records its own result, because the model made that
 * change itself. Not thread-safe: one per turn.
 */
public final class SeenBlocks {
  private final Map<String, String> hashes = new HashMap<>();

  /** Forgets everything, before a new context is assembled. */
  public void clear() {
    hashes.clear();
  }

  /** Records that the model saw the block {@code label} with this value hash. */
  public void saw(String label, String valueHash) {
    hashes.put(label, valueHash);
  }

  /** The hash of the value the model saw, if it saw the block. */
  public Optional<String> basedOn(String label) {
    return Optional.ofNullable(hashes.get(label));
  }
}
