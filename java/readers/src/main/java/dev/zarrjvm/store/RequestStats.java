package dev.zarrjvm.store;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what a remote store asked of its service: requests sent (retries included, each is one request on the wire),
 * bytes of response bodies received, and the most requests that were in flight at once. Thread-safe.
 */
public final class RequestStats {
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong maxInFlight = new AtomicLong();

  /** Marks one request sent; pair with {@link #end}. */
  public void begin() {
    requests.incrementAndGet();
    long now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
  }

  /** Marks the request answered with a body of {@code bodyBytes} bytes (0 when none). */
  public void end(long bodyBytes) {
    inFlight.decrementAndGet();
    bytes.addAndGet(Math.max(0, bodyBytes));
  }

  public long requests() {
    return requests.get();
  }

  public long bytes() {
    return bytes.get();
  }

  public long maxInFlight() {
    return maxInFlight.get();
  }

  public String toJson() {
    return "{\"requests\": " + requests() + ", \"bytes\": " + bytes() + ", \"max_in_flight\": " + maxInFlight() + "}";
  }
}
