package dev.memdir;

import java.util.OptionalLong;

/**
 * Another writer holds the agent's write lock ({@code .memdir/lock}) and did not let go in time;
 * nothing was written.
 */
public class AgentBusyException extends MemdirException {
  private static final long serialVersionUID = 1L;

  private final long pid;

  /**
   * Creates the error.
   *
   * @param message says who holds the lock and how long this writer waited
   * @param pid the holder's process id, or -1 when unknown
   */
  public AgentBusyException(String message, long pid) {
    super(message);
    this.pid = pid;
  }

  /** The process id of the lock's holder, when it could be read. */
  public OptionalLong holderPid() {
    return pid < 0 ? OptionalLong.empty() : OptionalLong.of(pid);
  }
}
