package dev.zarrjvm.store;

import dev.zarrjvm.errors.StoreException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A store served over {@code http(s)://}: a key is the URL {@code base/key} (each segment percent-encoded, so a key can
 * only name something under the base). {@link #getRange} sends a Range request ({@link ByteRange#httpHeader}); 404 and
 * 410 mean absent, any other failure is a {@link StoreException} with the status. Listing reads the HTML index a server
 * may give for a directory URL (as fsspec's HTTP filesystem does); a server without one lists nothing.
 *
 * <p>storage_options: {@code headers} (dict, sent with every request), {@code timeout} (seconds per request),
 * {@code retries} (default 3) and {@code retry_backoff} (seconds, default 0.1). A request that fails on the network or
 * is answered 429, 500, 502, 503 or 504 is sent again up to {@code retries} more times, after waiting
 * {@code retry_backoff}, then twice that, and so on (at most 5 s; a server's {@code Retry-After} in seconds is honoured
 * up to that bound). Any other answer, including 404, is final at once.
 */
public final class HttpByteStore implements ByteStore {
  private static final Pattern HREF = Pattern.compile("href\\s*=\\s*[\"']([^\"'#?]+)[\"']", Pattern.CASE_INSENSITIVE);

  private final String base;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final int retries;
  private final long backoffMillis;
  private final RequestStats stats = new RequestStats();

  public HttpByteStore(String url, StorageOptions o) {
    URI u = URI.create(url);
    if (u.getHost() == null || u.getRawQuery() != null || u.getRawFragment() != null) {
      throw new StoreException("an HTTP store needs a URL with a host and without query or fragment, got " + url);
    }
    this.base = url.endsWith("/") ? url : url + "/";
    this.headers = o.nested("headers").asStrings();
    Double t = o.number("timeout");
    this.timeout = Duration.ofMillis((long) ((t == null ? 60.0 : t) * 1000));
    Double n = o.number("retries");
    Double b = o.number("retry_backoff");
    if ((n != null && (n < 0 || n != Math.floor(n) || n > 100)) || (b != null && (b < 0 || b > MAX_WAIT_S))) {
      throw new StoreException("http storage options: 'retries' must be a whole number in [0, 100] and 'retry_backoff'"
          + " seconds in [0, " + (int) MAX_WAIT_S + "], got " + n + " and " + b);
    }
    this.retries = n == null ? 3 : n.intValue();
    this.backoffMillis = (long) ((b == null ? 0.1 : b) * 1000);
    o.refuseUnknown();
  }

  @Override
  public RequestStats stats() {
    return stats;
  }

  /**
   * The URL of {@code key}: the base plus each key segment percent-encoded; the empty key is the URL the store was
   * opened on itself (a NetCDF/HDF5 file read through {@link StoreFile}).
   */
  URI uri(String key) {
    StoreKeys.checkKey(key);
    if (key.isEmpty()) {
      return URI.create(base.substring(0, base.length() - 1));
    }
    StringBuilder sb = new StringBuilder(base);
    String[] segs = key.split("/", -1);
    for (int i = 0; i < segs.length; i++) {
      if (i > 0) {
        sb.append('/');
      }
      for (byte b : segs[i].getBytes(StandardCharsets.UTF_8)) {
        char c = (char) (b & 0xff);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
          sb.append(c);
        } else {
          sb.append('%').append(String.format("%02X", b & 0xff));
        }
      }
    }
    return URI.create(sb.toString());
  }

  private HttpRequest.Builder request(URI u) {
    HttpRequest.Builder b = HttpRequest.newBuilder(u).timeout(timeout);
    headers.forEach(b::header);
    return b;
  }

  /** The longest wait between two attempts, in seconds. */
  private static final double MAX_WAIT_S = 5.0;

  /** Answers worth asking again: the server is overloaded or had a passing failure. */
  private static boolean transientStatus(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  /**
   * Sends {@code request}, again after a transient failure (see the class comment), and returns the last answer; a
   * network failure on the last attempt is a {@link StoreException} that says how many attempts were made.
   */
  private HttpResponse<byte[]> send(HttpRequest request) {
    return send(request, HttpResponse.BodyHandlers.ofByteArray(), b -> b.length);
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler,
      java.util.function.ToLongFunction<T> size) {
    for (int attempt = 0; ; attempt++) {
      long wait = Math.min((long) (MAX_WAIT_S * 1000), backoffMillis << Math.min(attempt, 20));
      try {
        HttpResponse<T> r = HttpTransport.send(request, stats, handler, size);
        if (attempt >= retries || !transientStatus(r.statusCode())) {
          return r;
        }
        wait = Math.max(wait, retryAfterMillis(r));
      } catch (StoreException e) {
        if (attempt >= retries || e.getCause() instanceof java.io.InterruptedIOException) {
          throw attempt == 0 ? e
              : new StoreException(e.getMessage() + " (" + (attempt + 1) + " attempts)", e.getCause());
        }
      }
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException(request.method() + " " + request.uri() + " was interrupted while waiting to retry");
      }
    }
  }

  /** A Retry-After given in seconds, in milliseconds and at most {@link #MAX_WAIT_S}; 0 when absent or a date. */
  private static long retryAfterMillis(HttpResponse<?> r) {
    try {
      return r.headers().firstValue("Retry-After")
          .map(v -> (long) (Math.min(MAX_WAIT_S, Math.max(0, Double.parseDouble(v.trim()))) * 1000)).orElse(0L);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A HEAD request for {@code key} (retried as any other). */
  private HttpResponse<byte[]> head(String key) {
    return send(request(uri(key)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }

  private static boolean absent(int status) {
    return status == 404 || status == 410;
  }

  private StoreException failed(HttpResponse<?> r) {
    String tries = transientStatus(r.statusCode()) && retries > 0 ? " (" + (retries + 1) + " attempts)" : "";
    return new StoreException(r.request().method() + " " + r.uri() + " answered HTTP " + r.statusCode() + tries);
  }

  @Override
  public byte[] get(String key) {
    HttpResponse<byte[]> r = send(request(uri(key)).GET().build());
    if (absent(r.statusCode())) {
      return null;
    }
    if (r.statusCode() != 200) {
      throw failed(r);
    }
    return r.body();
  }

  /**
   * A 200 answer with a Content-Length (and no Content-Encoding) is written into the memory {@code allocate} gives as
   * it arrives; any other answer is read as bytes (an error's body, or a value sent without its length, then copied).
   */
  @Override
  public long readDirect(String key, java.util.function.IntFunction<java.nio.ByteBuffer> allocate) {
    HttpResponse<Body> r = send(request(uri(key)).GET().build(), info -> {
      long n = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (info.statusCode() == 200 && n >= 0 && n <= Integer.MAX_VALUE - 16
          && info.headers().firstValue("Content-Encoding").isEmpty()) {
        return new Filler(allocate.apply((int) n).duplicate());
      }
      return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(),
          b -> new Body(b, b.length));
    }, Body::size);
    if (absent(r.statusCode())) {
      return -1;
    }
    if (r.statusCode() != 200) {
      throw failed(r);
    }
    Body b = r.body();
    if (b.bytes() != null) {
      allocate.apply(b.bytes().length).duplicate().put(b.bytes());
      return b.bytes().length;
    }
    long n = r.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (b.size() != n) {
      throw new StoreException("GET " + r.uri() + " sent " + b.size() + " bytes; its Content-Length said "
          + n);
    }
    return n;
  }

  /** A body read as bytes, or (bytes null) written into the caller's memory: {@code size} bytes. */
  private record Body(byte[] bytes, long size) {}

  /** Writes a body's parts into {@code dst} as they arrive (the JDK client's buffers, copied once). */
  private static final class Filler implements HttpResponse.BodySubscriber<Body> {
    private final java.nio.ByteBuffer dst;
    private final java.util.concurrent.CompletableFuture<Body> result = new java.util.concurrent.CompletableFuture<>();
    private long received;

    Filler(java.nio.ByteBuffer dst) {
      this.dst = dst;
    }

    @Override
    public java.util.concurrent.CompletionStage<Body> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<java.nio.ByteBuffer> parts) {
      for (java.nio.ByteBuffer part : parts) {
        received += part.remaining();
        if (part.remaining() <= dst.remaining()) {
          dst.put(part);
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(new Body(null, received));
    }
  }

  @Override
  public byte[] getRange(String key, ByteRange range) {
    Sized s = fetch(key, range);
    return s == null ? null : s.bytes();
  }

  /** The range and the value's size from the same response (Content-Range), with a HEAD only if the server hides it. */
  @Override
  public Sized getRangeSized(String key, ByteRange range) {
    Sized s = fetch(key, range);
    return s == null ? null : s.withTotalFrom(this, key);
  }

  @Override
  public long size(String key) {
    HttpResponse<byte[]> r = head(key);
    if (absent(r.statusCode())) {
      return -1;
    }
    if (r.statusCode() != 200) {
      throw failed(r);
    }
    return r.headers().firstValueAsLong("Content-Length").orElseGet(() -> {
      byte[] all = get(key);
      return all == null ? -1L : all.length;
    });
  }

  /**
   * One request: {@code Range: bytes=0-(n-1)}. The answer's {@code Content-Range} tells the size, so opening a
   * NetCDF/HDF5 file costs no HEAD; a server that ignores Range sends the whole value (cut here), one that hides the
   * size is asked with a HEAD.
   */
  @Override
  public Sized getHead(String key, int n) {
    if (n <= 0) {
      return ByteStore.super.getHead(key, n);
    }
    HttpResponse<byte[]> r = send(request(uri(key)).header("Range", "bytes=0-" + (n - 1)).GET().build());
    int status = r.statusCode();
    if (absent(status)) {
      return null;
    }
    String contentRange = r.headers().firstValue("Content-Range").orElse(null);
    if (status == 200) {
      byte[] all = r.body();
      return new Sized(java.util.Arrays.copyOf(all, Math.min(n, all.length)), all.length);
    }
    if (status == 416 && ByteRange.totalFromContentRange(contentRange) == 0) {
      return new Sized(new byte[0], 0); // an empty value: no byte 0 to send
    }
    if (status != 206) {
      throw failed(r);
    }
    long total = ByteRange.totalFromContentRange(contentRange);
    if (total < 0) {
      total = size(key);
      if (total < 0) {
        return null;
      }
    }
    if (r.body().length != Math.min(n, total)) {
      throw new StoreException("'" + key + "' in " + base + ": bytes=0-" + (n - 1) + " gave " + r.body().length
          + " bytes of " + total);
    }
    return new Sized(r.body(), total);
  }

  private Sized fetch(String key, ByteRange range) {
    if (range.isEmpty()) {
      return exists(key) ? new Sized(new byte[0], -1) : null;
    }
    String header = range.httpHeader();
    HttpResponse<byte[]> r = send(request(uri(key)).header("Range", header).GET().build());
    int status = r.statusCode();
    if (absent(status)) {
      return null;
    }
    if (status == 200) { // the server ignored Range: cut the range out of the whole value
      return new Sized(range.slice(r.body(), key, base), r.body().length);
    }
    if (status == 416) {
      throw new StoreException("range " + header + " of '" + key + "' in " + base + " is outside the value (HTTP 416)");
    }
    if (status != 206) {
      throw failed(r);
    }
    long total = ByteRange.totalFromContentRange(r.headers().firstValue("Content-Range").orElse(null));
    range.checkBody(r.body().length, total, key, base);
    return new Sized(r.body(), total);
  }

  @Override
  public boolean exists(String key) {
    HttpResponse<byte[]> r = head(key);
    if (absent(r.statusCode())) {
      return false;
    }
    if (r.statusCode() / 100 != 2) {
      throw failed(r);
    }
    return true;
  }

  @Override
  public List<String> list(String prefix) {
    String p = prefix == null ? "" : prefix;
    URI dir = p.isEmpty() ? URI.create(base) : URI.create(uri(p.substring(0, p.length() - 1)) + "/");
    HttpResponse<byte[]> r = send(request(dir).GET().build());
    if (r.statusCode() / 100 == 4) {
      return new ArrayList<>(); // no index for this URL: nothing can be listed
    }
    if (r.statusCode() != 200) {
      throw failed(r);
    }
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("text/html")) {
      return new ArrayList<>();
    }
    TreeSet<String> names = new TreeSet<>();
    Matcher m = HREF.matcher(new String(r.body(), StandardCharsets.UTF_8));
    String here = dir.toString();
    while (m.find()) {
      String target;
      try {
        target = dir.resolve(m.group(1)).toString();
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (!target.startsWith(here) || target.length() == here.length()) {
        continue; // links that are not directly under this directory (parents, other hosts)
      }
      String name = target.substring(here.length());
      name = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
      if (!name.isEmpty() && !name.contains("/")) {
        names.add(URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return new ArrayList<>(names);
  }

  @Override
  public String describe() {
    return base.substring(0, base.length() - 1); // the URL as given: the file for a NetCDF/HDF5 file
  }
}
