package dev.memdir.llm;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an input stream whose reads time out: the JDK's own stream blocks forever on a
 * server that stops sending. Reads fail after {@code idleNanos} without data, after the overall
 * deadline, or past {@code maxBytes}.
 */
final class BodyStream extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {
  private static final Object END = new Object();

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final long idleNanos;
  private final long deadline;
  private final long maxBytes;
  private volatile Flow.Subscription subscription;
  private Iterator<ByteBuffer> buffers = List.<ByteBuffer>of().iterator();
  private ByteBuffer current = ByteBuffer.allocate(0);
  private long bytes;
  private boolean ended;

  /**
   * Creates a stream.
   *
   * @param idleNanos the longest wait for the next bytes
   * @param totalNanos the longest time for the whole body, or {@code Long.MAX_VALUE}
   * @param maxBytes the most bytes read before failing
   */
  BodyStream(long idleNanos, long totalNanos, long maxBytes) {
    this.idleNanos = idleNanos;
    long now = System.nanoTime();
    this.deadline = totalNanos == Long.MAX_VALUE ? Long.MAX_VALUE : now + totalNanos;
    this.maxBytes = maxBytes;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    queue.add(item);
  }

  @Override
  public void onError(Throwable t) {
    queue.add(t);
  }

  @Override
  public void onComplete() {
    queue.add(END);
  }

  /** Bytes read so far. */
  long bytesRead() {
    return bytes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    bytes += n;
    if (bytes > maxBytes) {
      close();
      throw new TooLargeException("the reply is over " + maxBytes + " bytes");
    }
    return n;
  }

  private boolean fill() throws IOException {
    while (!current.hasRemaining()) {
      if (buffers.hasNext()) {
        current = buffers.next();
        continue;
      }
      if (ended) {
        return false;
      }
      Object next = poll();
      if (next == END) {
        ended = true;
        return false;
      }
      if (next instanceof Throwable t) {
        ended = true;
        throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
      }
      @SuppressWarnings("unchecked")
      List<ByteBuffer> list = (List<ByteBuffer>) next;
      buffers = list.iterator();
      subscription.request(1);
    }
    return true;
  }

  private Object poll() throws IOException {
    long wait =
        Math.min(
            idleNanos, deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime());
    Object next;
    try {
      next = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new java.io.InterruptedIOException("interrupted while reading the reply");
    }
    if (next == null) {
      close();
      throw new HttpTimeoutException("no data within the timeout");
    }
    return next;
  }

  @Override
  public void close() {
    Flow.Subscription s = subscription;
    if (s != null && !ended) {
      ended = true;
      s.cancel();
    }
  }

  /** The body passed the byte cap. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }
}
