package dev.zarrjvm.store;

import dev.zarrjvm.errors.StoreException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A store under {@code s3://bucket/prefix}, read with the AWS SDK v2 (the one zarr-java depends on) over zarrjvm's
 * HTTP transport. A key is the object {@code prefix/key}; keys are checked by {@link StoreKeys#checkKey}, so they
 * cannot
 * leave the prefix. Missing objects read as absent; every other failure is a {@link StoreException}.
 *
 * <p>storage_options (s3fs's names, with boto's as aliases, so one dict serves zarr-python and zarrjvm):
 * {@code endpoint_url} (or {@code client_kwargs.endpoint_url}), {@code region} / {@code region_name} (or
 * {@code client_kwargs.region_name}; default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1), {@code key} / {@code secret}
 * / {@code token} (or {@code aws_access_key_id} / {@code aws_secret_access_key} / {@code aws_session_token}),
 * {@code anon} (unsigned requests), {@code path_style} (default true when an endpoint is given), {@code timeout}
 * (seconds per request). Without credentials, the SDK's default chain is used.
 */
public final class S3ByteStore implements ByteStore {
  private final String bucket;
  private final String prefix;
  private final S3Client s3;
  private final RequestStats stats = new RequestStats();

  public S3ByteStore(String url, StorageOptions o) {
    URI u = URI.create(url);
    if (!"s3".equals(u.getScheme()) || u.getHost() == null || u.getHost().isEmpty()) {
      throw new StoreException("an S3 store is s3://bucket[/prefix], got " + url);
    }
    this.bucket = u.getHost();
    String p = u.getPath() == null ? "" : u.getPath();
    p = p.replaceAll("^/+", "").replaceAll("/+$", "");
    this.prefix = p.isEmpty() ? "" : StoreKeys.nodePath(p);

    StorageOptions ck = o.nested("client_kwargs");
    String endpoint = firstNonNull(o.string("endpoint_url"), ck.string("endpoint_url"));
    String region = firstNonNull(o.string("region", "region_name"), ck.string("region_name"));
    String key = o.string("key", "aws_access_key_id");
    String secret = o.string("secret", "aws_secret_access_key");
    String token = o.string("token", "aws_session_token");
    Boolean anon = o.bool("anon");
    Boolean pathStyle = o.bool("path_style");
    Double timeout = o.number("timeout");
    ck.refuseUnknown();
    o.refuseUnknown();
    if ((key == null) != (secret == null)) {
      throw new StoreException("s3 storage options need both 'key' and 'secret' (or neither)");
    }

    S3ClientBuilder b = S3Client.builder()
        .httpClient(new JdkSdkHttpClient(stats, Duration.ofMillis((long) ((timeout == null ? 60.0 : timeout) * 1000))))
        .region(Region.of(region != null ? region : defaultRegion()))
        .credentialsProvider(credentials(key, secret, token, Boolean.TRUE.equals(anon)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .forcePathStyle(pathStyle != null ? pathStyle : endpoint != null);
    if (endpoint != null) {
      b.endpointOverride(URI.create(endpoint));
    }
    try {
      this.s3 = b.build();
    } catch (SdkException | IllegalArgumentException e) {
      throw new StoreException("cannot set up the S3 client for " + url + ": " + e.getMessage(), e);
    }
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }

  private static String defaultRegion() {
    for (String env : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
      String v = System.getenv(env);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return "us-east-1";
  }

  private static AwsCredentialsProvider credentials(String key, String secret, String token, boolean anon) {
    if (anon) {
      return AnonymousCredentialsProvider.create();
    }
    if (key != null) {
      return StaticCredentialsProvider.create(token != null
          ? AwsSessionCredentials.create(key, secret, token) : AwsBasicCredentials.create(key, secret));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public RequestStats stats() {
    return stats;
  }

  private String objectKey(String key) {
    StoreKeys.checkKey(key);
    return StoreKeys.join(prefix, key);
  }

  private StoreException failed(String what, String key, SdkException e) {
    return new StoreException(what + " s3://" + bucket + "/" + objectKey(key) + " failed: " + e.getMessage(), e);
  }

  private static boolean absent(SdkException e) {
    return e instanceof NoSuchKeyException || (e instanceof S3Exception s && s.statusCode() == 404);
  }

  @Override
  public byte[] get(String key) {
    try {
      return s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(objectKey(key)).build()).asByteArray();
    } catch (SdkException e) {
      if (absent(e)) {
        return null;
      }
      throw failed("GET", key, e);
    }
  }

  @Override
  public byte[] getRange(String key, ByteRange range) {
    Sized s = fetch(key, range);
    return s == null ? null : s.bytes();
  }

  /** The range and the object's size from the same GET (Content-Range); a HEAD only when it is missing. */
  @Override
  public Sized getRangeSized(String key, ByteRange range) {
    Sized s = fetch(key, range);
    return s == null ? null : s.withTotalFrom(this, key);
  }

  @Override
  public long size(String key) {
    try {
      Long n = s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(objectKey(key)).build()).contentLength();
      return n == null ? -1 : n;
    } catch (SdkException e) {
      if (absent(e)) {
        return -1;
      }
      throw failed("HEAD", key, e);
    }
  }

  /**
   * One GET of {@code bytes=0-(n-1)}: its Content-Range tells the object's size, so opening a NetCDF/HDF5 file costs
   * no HEAD. An empty object (no byte 0 to send, HTTP 416) is asked with a HEAD.
   */
  @Override
  public Sized getHead(String key, int n) {
    if (n <= 0) {
      return ByteStore.super.getHead(key, n);
    }
    String header = "bytes=0-" + (n - 1);
    ResponseBytes<GetObjectResponse> r;
    try {
      r = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(objectKey(key)).range(header).build());
    } catch (SdkException e) {
      if (absent(e)) {
        return null;
      }
      if (e instanceof S3Exception s && s.statusCode() == 416) {
        return ByteStore.super.getHead(key, n);
      }
      throw failed("GET (" + header + ")", key, e);
    }
    byte[] body = r.asByteArray();
    long total = ByteRange.totalFromContentRange(r.response().contentRange());
    if (r.response().contentRange() == null) { // no Content-Range: the whole object came back
      return new Sized(java.util.Arrays.copyOf(body, Math.min(n, body.length)), body.length);
    }
    if (total < 0) {
      total = size(key);
    }
    if (total < 0) {
      return null;
    }
    if (body.length != Math.min(n, total)) {
      throw new StoreException("'" + key + "' in " + describe() + ": " + header + " gave " + body.length
          + " bytes of " + total);
    }
    return new Sized(body, total);
  }

  private Sized fetch(String key, ByteRange range) {
    if (range.isEmpty()) {
      return exists(key) ? new Sized(new byte[0], -1) : null;
    }
    String header = range.httpHeader();
    ResponseBytes<GetObjectResponse> r;
    try {
      r = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(objectKey(key)).range(header).build());
    } catch (SdkException e) {
      if (absent(e)) {
        return null;
      }
      if (e instanceof S3Exception s && s.statusCode() == 416) {
        throw new StoreException("range " + header + " of '" + key + "' in " + describe() + " is outside the value", e);
      }
      throw failed("GET (" + header + ")", key, e);
    }
    byte[] body = r.asByteArray();
    String contentRange = r.response().contentRange();
    if (contentRange == null) { // no Content-Range: the whole object came back
      return new Sized(range.slice(body, key, describe()), body.length);
    }
    long total = ByteRange.totalFromContentRange(contentRange);
    range.checkBody(body.length, total, key, describe());
    return new Sized(body, total);
  }

  @Override
  public boolean exists(String key) {
    try {
      s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(objectKey(key)).build());
      return true;
    } catch (SdkException e) {
      if (absent(e)) {
        return false;
      }
      throw failed("HEAD", key, e);
    }
  }

  @Override
  public List<String> list(String listPrefix) {
    String p = listPrefix == null ? "" : listPrefix;
    StoreKeys.checkKey(p);
    String full = prefix.isEmpty() ? p : prefix + "/" + p;
    TreeSet<String> names = new TreeSet<>();
    try {
      String token = null;
      do {
        ListObjectsV2Response r = s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).prefix(full)
            .delimiter("/").continuationToken(token).build());
        for (CommonPrefix cp : r.commonPrefixes()) {
          String n = cp.prefix().substring(full.length());
          names.add(n.endsWith("/") ? n.substring(0, n.length() - 1) : n);
        }
        for (S3Object obj : r.contents()) {
          names.add(obj.key().substring(full.length()));
        }
        token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw new StoreException("listing s3://" + bucket + "/" + full + " failed: " + e.getMessage(), e);
    }
    names.remove("");
    return new ArrayList<>(names);
  }

  @Override
  public String describe() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }

  @Override
  public void close() {
    s3.close();
  }
}
