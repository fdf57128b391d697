/**
 * The conversation history: append-only JSONL segments, one per month, under {@code history/}.
 * {@link dev.memdir.history.HistoryLog} appends whole lines under the agent's write lock, reads the
 * tail backwards, streams forward from an id and counts via a derived index in {@code .memdir/};
 * {@link dev.memdir.history.Record} keeps unknown fields so they round-trip. Depends only on {@code
 * format}; never rewrites or deletes a line except a torn tail set aside in {@code
 * history/quarantine/}.
 */
package dev.memdir.history;
