package dev.zarrjvm.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The AWS SDK's HTTP client interface over zarrjvm's {@link HttpTransport}. The SDK's own default (Apache
 * HttpClient 4.5) cannot be used in this build: netCDF-Java 4.5.5 puts Apache HttpClient 4.2 on the classpath. Going
 * through the transport also makes every S3 request (retries included) count in the store's {@link RequestStats}.
 */
final class JdkSdkHttpClient implements SdkHttpClient {
  /** Headers the JDK client sets itself and refuses from callers (it derives Host from the URI the SDK signed). */
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

  private final RequestStats stats;
  private final Duration timeout;

  JdkSdkHttpClient(RequestStats stats, Duration timeout) {
    this.stats = stats;
    this.timeout = timeout;
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    SdkHttpRequest r = request.httpRequest();
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(r.getUri()).timeout(timeout);
        r.forEachHeader((name, values) -> {
          if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            values.forEach(v -> b.header(name, v));
          }
        });
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (request.contentStreamProvider().isPresent()) {
          try (InputStream in = request.contentStreamProvider().get().newStream()) {
            body = HttpRequest.BodyPublishers.ofByteArray(in.readAllBytes());
          }
        }
        HttpResponse<byte[]> resp = HttpTransport.exchange(b.method(r.method().name(), body).build(), stats);
        SdkHttpResponse.Builder sr = SdkHttpResponse.builder().statusCode(resp.statusCode());
        resp.headers().map().forEach(sr::putHeader);
        byte[] bytes = resp.body() == null ? new byte[0] : resp.body();
        return HttpExecuteResponse.builder().response(sr.build())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes))).build();
      }

      @Override
      public void abort() {
        // the exchange is synchronous and already bounded by the request timeout
      }
    };
  }

  @Override
  public String clientName() {
    return "zarrjvm-jdk";
  }

  @Override
  public void close() {
    // the JDK client is shared by every store (HttpTransport)
  }
}
