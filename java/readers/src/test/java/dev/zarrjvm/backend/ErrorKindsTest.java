package dev.zarrjvm.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zarrjvm.errors.ChunkDecodeException;
import dev.zarrjvm.errors.ErrorKind;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.InternalException;
import dev.zarrjvm.errors.InvalidArgumentException;
import dev.zarrjvm.errors.MetadataException;
import dev.zarrjvm.errors.StoreException;
import dev.zarrjvm.errors.ZarrJvmException;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.DType;
import example.thirdparty.ThirdPartyReader;
import java.io.IOException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Failures are classified once, by where they come from: a bug in zarrjvm's own code is INTERNAL (never "your data is
 * damaged"); the same exception class thrown by a reader is the reader's failure on the data.
 */
class ErrorKindsTest {
  /** An adapter whose decoding is given by the test. */
  private static final class TestSource extends ChunkedSource {
    private final Supplier<ucar.ma2.Array> decode;

    TestSource(Supplier<ucar.ma2.Array> decode) {
      this.decode = decode;
      setInfo(ArrayInfo.builder("test", "zarr-v3", "a").shape(new long[] {4}).chunks(new int[] {2})
          .dtype(new DType('f', 4, '<')).build());
    }

    @Override
    protected ucar.ma2.Array decodeChunk(long[] chunkCoords) {
      return decode.get();
    }
  }

  @Test
  void aNullPointerExceptionInAnAdapterIsInternal() {
    try (TestSource s = new TestSource(() -> {
      String notThere = null;
      return ucar.ma2.Array.factory(float.class, new int[] {notThere.length()});
    })) {
      InternalException e = assertThrows(InternalException.class, () -> s.readChunk(new long[] {0}, s.allocator()));
      assertEquals(ErrorKind.INTERNAL, e.kind());
      assertTrue(e.getMessage().contains("zarrjvm internal error"), e.getMessage());
      assertEquals("java.lang.NullPointerException", e.rootCauseClass());
    }
  }

  @Test
  void theSameExceptionFromAReaderIsADecodeFailure() {
    try (TestSource s = new TestSource(() -> ThirdPartyReader.decode("c/0"))) {
      ZarrJvmException e = assertThrows(ZarrJvmException.class, () -> s.readChunk(new long[] {0}, s.allocator()));
      assertInstanceOf(ChunkDecodeException.class, e);
      assertEquals("java.lang.NullPointerException", e.rootCauseClass());
    }
  }

  @Test
  void kindsByPhaseAndCause() {
    assertInstanceOf(MetadataException.class, Errors.translate(foreign(), Errors.Phase.OPEN, "opening"));
    assertInstanceOf(ChunkDecodeException.class, Errors.translate(foreign(), Errors.Phase.READ, "reading"));
    assertInstanceOf(StoreException.class, Errors.translate(new IOException("disk"), Errors.Phase.READ, "reading"));
    assertInstanceOf(ChunkDecodeException.class, Errors.translate(new IOException("zlib"), Errors.Phase.DECODE, "d"));
    // a zarrjvm exception a reader wrapped keeps its kind
    StoreException store = new StoreException("GET failed");
    assertInstanceOf(StoreException.class, Errors.translate(new IllegalStateException("wrapped", store), "reading"));
    InvalidArgumentException bad = new InvalidArgumentException("no");
    assertEquals(bad, Errors.translate(bad, "x"));
    for (ErrorKind k : ErrorKind.values()) {
      assertEquals(k, k.exception("m", null).kind());
    }
  }

  /** An exception whose stack says a reader threw it. */
  private static RuntimeException foreign() {
    IllegalStateException e = new IllegalStateException("reader failed");
    e.setStackTrace(new StackTraceElement[] {new StackTraceElement("dev.zarr.zarrjava.X", "m", "X.java", 1)});
    return e;
  }
}
