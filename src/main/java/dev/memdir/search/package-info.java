/**
 * Search over the agent's own directory: the Lucene BM25 index of {@code files/}, {@code archival/}
 * and {@code history/} (a cache under {@code .memdir/index/}, rebuilt when missing, corrupt or
 * outdated, kept fresh incrementally), grep with RE2J, file windows, and the one gate that turns
 * untrusted file names into paths under {@code files/}.
 *
 * <p>{@link dev.memdir.search.Search} is the entry point. This is the only package that imports
 * Lucene or RE2J. It reads memory, archival and history through their packages, never writes them,
 * and writes only under {@code .memdir/}.
 */
package dev.memdir.search;
