package dev.zarrjvm.store;

import dev.zarrjvm.runtime.Pools;
import dev.zarrjvm.errors.StoreException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * zarrjvm's one HTTP client (JDK's {@code java.net.http}, HTTP/1.1, connections kept alive and reused), shared by the
 * HTTP and S3 stores. Every request goes through {@link #send}, which counts it in the store's {@link RequestStats}.
 * Blocking sends run on the calling thread (a Pools thread); the client's internal work runs on Pools's client
 * executor, so no thread here is unowned.
 */
final class HttpTransport {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(30))
      .executor(Pools.clientExecutor())
      .build();

  private HttpTransport() {}

  /** Sends {@code request} and reads the whole body; network failures are {@link StoreException}s. */
  static HttpResponse<byte[]> send(HttpRequest request, RequestStats stats) {
    return send(request, stats, HttpResponse.BodyHandlers.ofByteArray(), b -> b.length);
  }

  /** Like {@link #send(HttpRequest, RequestStats)}, the body read by {@code handler} and counted by {@code size}. */
  static <T> HttpResponse<T> send(HttpRequest request, RequestStats stats, HttpResponse.BodyHandler<T> handler,
      java.util.function.ToLongFunction<T> size) {
    try {
      return exchange(request, stats, handler, size);
    } catch (IOException e) {
      throw new StoreException(request.method() + " " + request.uri() + " failed: " + e, e);
    }
  }

  /** Like {@link #send}, with network failures as the IOException callers that retry (the AWS SDK) expect. */
  static HttpResponse<byte[]> exchange(HttpRequest request, RequestStats stats) throws IOException {
    return exchange(request, stats, HttpResponse.BodyHandlers.ofByteArray(), b -> b.length);
  }

  private static <T> HttpResponse<T> exchange(HttpRequest request, RequestStats stats,
      HttpResponse.BodyHandler<T> handler, java.util.function.ToLongFunction<T> size) throws IOException {
    stats.begin();
    long received = 0;
    try {
      HttpResponse<T> r = CLIENT.send(request, handler);
      received = r.body() == null ? 0 : size.applyAsLong(r.body());
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(request.method() + " " + request.uri() + " was interrupted");
    } finally {
      stats.end(received);
    }
  }
}
