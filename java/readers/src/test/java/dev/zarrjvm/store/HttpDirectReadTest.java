package dev.zarrjvm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.zarrjvm.errors.StoreException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpByteStore#readDirect}: a body with a Content-Length is written into the caller's direct memory, sized
 * before the bytes arrive (one allocation, no heap array); a body sent without its length (chunked) is copied; absent
 * is -1; a server error stays a StoreException. A loopback server of the JDK's own.
 */
class HttpDirectReadTest {
  private HttpServer server;
  private final byte[] value = new byte[3 << 20];
  private String base;

  @BeforeEach
  void start() throws Exception {
    new Random(7).nextBytes(value);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      int status = path.endsWith("/sized") || path.endsWith("/chunked") ? 200 : path.endsWith("/broken") ? 500 : 404;
      byte[] body = status == 200 ? value : new byte[] {'n', 'o'};
      exchange.sendResponseHeaders(status, path.endsWith("/chunked") ? 0 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/store";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static ByteBuffer direct(List<Integer> sizes, List<ByteBuffer> given, int n) {
    sizes.add(n);
    ByteBuffer b = ByteBuffer.allocateDirect(n);
    given.add(b);
    return b;
  }

  @Test
  void sizedBodiesGoStraightIntoDirectMemoryOthersAreCopied() {
    HttpByteStore store = new HttpByteStore(base, StorageOptions.parse("{\"retries\": 0}").readBy("http"));
    for (String key : new String[] {"sized", "chunked"}) {
      List<Integer> sizes = new ArrayList<>();
      List<ByteBuffer> given = new ArrayList<>();
      assertEquals(value.length, store.readDirect(key, n -> direct(sizes, given, n)), key);
      assertEquals(List.of(value.length), sizes, key);
      ByteBuffer got = given.get(0).duplicate().clear();
      byte[] copy = new byte[value.length];
      got.get(copy);
      assertTrue(java.util.Arrays.equals(value, copy), key);
    }
    assertEquals(-1, store.readDirect("missing", n -> {
      throw new AssertionError("no memory for an absent value");
    }));
    StoreException e = assertThrows(StoreException.class, () -> store.readDirect("broken", ByteBuffer::allocateDirect));
    assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
  }
}
