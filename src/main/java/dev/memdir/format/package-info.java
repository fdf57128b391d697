/**
 * The bottom layer: how files of the agent directory are laid out, read and written.
 *
 * <p>Reading tolerates what text editors produce (a UTF-8 byte order mark, CRLF line ends) and
 * reports anything else with file and line; writing is LF, UTF-8 without a BOM, and atomic, and
 * replaces a file a person may edit only if it still holds what was read ({@code
 * AtomicFiles.compareAndSwap}). {@code WriteLock} keeps to one writer at a time per agent. This
 * package imports nothing of memdir but the exception types in {@code dev.memdir}.
 */
package dev.memdir.format;
