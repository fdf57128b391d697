/**
 * Git-versioned agents: commits after each turn and each write (a person's pending edits first, as
 * their own commit), merges that keep every history record and both sides of a memory block, sync
 * with a remote (never a force push), and the log, diff and undo of core memory.
 *
 * <p>The only package that imports JGit. It may import {@code format}, {@code memory}, {@code
 * history} and {@code archival}; the {@code cli} and the {@code Agent} facade import it.
 */
package dev.memdir.git;
