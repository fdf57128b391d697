package dev.memdir.search;

import java.util.Optional;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexableField;

/**
 * What the index knows about one source file ({@code files/...} or {@code archival/...}) as it was
 * when indexed: enough to tell, by size and modification time and then by hash, whether it changed
 * since.
 *
 * @param key the file relative to the agent directory
 * @param size its size in bytes
 * @param mtimeNanos its modification time
 * @param hash the SHA-256 of its bytes
 * @param readAtNanos the wall-clock time its bytes were read; a file modified within {@link
 *     #RACY_NANOS} of that is hashed again on each check, as a same-size edit in the same clock
 *     tick would not change size or time
 * @param conversation whether it is a conversation log
 * @param skipped why it is not indexed (binary, too large, broken), if it is not
 */
record SourceState(
    String key,
    long size,
    long mtimeNanos,
    String hash,
    long readAtNanos,
    boolean conversation,
    Optional<String> skipped) {

  /** Modification times are trusted only once they are this much older than the read. */
  static final long RACY_NANOS = 2_000_000_000L;

  static final String KIND = "kind";
  static final String STATE = "state";
  static final String STATE_KIND = "state";

  /** Whether only a hash can tell if the file changed since it was read. */
  boolean racy() {
    return mtimeNanos >= readAtNanos - RACY_NANOS;
  }

  /** Whether the file's current size and time match. */
  boolean sameStat(long otherSize, long otherMtime) {
    return size == otherSize && mtimeNanos == otherMtime;
  }

  /** This state re-read at {@code now} with the same content. */
  SourceState reread(long newSize, long newMtime, long now) {
    return new SourceState(key, newSize, newMtime, hash, now, conversation, skipped);
  }

  /** The index document that records this state. */
  Document toDocument() {
    Document d = new Document();
    d.add(new StringField(KIND, STATE_KIND, Field.Store.NO));
    d.add(new StringField(STATE, key, Field.Store.YES));
    d.add(new StoredField("size", size));
    d.add(new StoredField("mtime", mtimeNanos));
    d.add(new StoredField("hash", hash));
    d.add(new StoredField("read_at", readAtNanos));
    d.add(new StoredField("conversation", conversation ? 1 : 0));
    skipped.ifPresent(s -> d.add(new StoredField("skipped", s)));
    return d;
  }

  /** The state recorded in {@code d}. */
  static SourceState fromDocument(Document d) {
    return new SourceState(
        d.get(STATE),
        number(d, "size"),
        number(d, "mtime"),
        d.get("hash"),
        number(d, "read_at"),
        number(d, "conversation") == 1,
        Optional.ofNullable(d.get("skipped")));
  }

  private static long number(Document d, String field) {
    IndexableField f = d.getField(field);
    return f == null || f.numericValue() == null ? -1 : f.numericValue().longValue();
  }
}
