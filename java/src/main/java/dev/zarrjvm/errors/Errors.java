package dev.zarrjvm.errors;

import dev.zarrjvm.core.Ma2Flavour;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where Java throwables coming out of the third-party readers are classified into zarrjvm's kinds. Adapters
 * call {@link #translate} with what they were doing; everything that reaches Python is a {@link ZarrJvmException}.
 */
public final class Errors {
  /** ucar.ma2.DataType constants that exist only in netCDF-Java 5.x. */
  private static final java.util.Set<String> MA2_5X_FIELDS = java.util.Set.of("UBYTE", "USHORT", "UINT", "ULONG");

  private Errors() {}

  /**
   * Classifies {@code t}, raised while doing {@code what} (e.g. "reading chunk [0, 1] of /data/a"). A
   * {@link ZarrJvmException} passes through unchanged.
   */
  public static ZarrJvmException translate(Throwable t, String what) {
    t = unwrap(t);
    if (t instanceof ZarrJvmException) {
      return (ZarrJvmException) t;
    }
    String msg = what + ": " + t.getClass().getName() + ": " + t.getMessage();
    Throwable exhausted = resourceExhaustion(t);
    if (exhausted != null) {
      return new ResourceException(what + ": " + exhausted.getClass().getName() + ": " + exhausted.getMessage()
          + " (the JVM stays usable; a larger -Xmx / -Xss may read this)", t);
    }
    if (t instanceof NoSuchFieldError && MA2_5X_FIELDS.contains(String.valueOf(t.getMessage()))) {
      return new UnsupportedException(what + ": the reader needs ucar.ma2.DataType." + t.getMessage()
          + ", which this build's netCDF-Java (" + Ma2Flavour.describe() + ") does not have: "
          + t.getClass().getName() + ": " + t.getMessage(), t);
    }
    if (t instanceof LinkageError && String.valueOf(t.getMessage()).contains("ucar")) {
      return new UnsupportedException(what + ": the reader needs a part of ucar.ma2 this build's netCDF-Java ("
          + Ma2Flavour.describe() + ") does not have: " + t.getClass().getName() + ": " + t.getMessage(), t);
    }
    if (t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
      return new MetadataException(msg, t);
    }
    if (t instanceof NoSuchFileException || t instanceof FileNotFoundException) {
      return new ArrayNotFoundException(msg, t);
    }
    if (t instanceof UncheckedIOException || t instanceof IOException) {
      return new StoreException(msg, t);
    }
    if (t instanceof UnsupportedOperationException) {
      return new UnsupportedException(msg, t);
    }
    if (t instanceof LinkageError) {
      return new UnsupportedException(msg, t);
    }
    return new ChunkDecodeException(msg, t);
  }

  /**
   * Like {@link #translate}, for failures while decoding a chunk's bytes: store failures arrive already typed, so an
   * {@link IOException} here comes from a codec's streams (e.g. a corrupt zlib stream) and is a decode error.
   */
  public static ZarrJvmException translateDecode(Throwable t, String what) {
    Throwable u = unwrap(t);
    if (u instanceof IOException && resourceExhaustion(u) == null
        && !(u instanceof com.fasterxml.jackson.core.JsonProcessingException)
        && !(u instanceof NoSuchFileException) && !(u instanceof FileNotFoundException)) {
      return new ChunkDecodeException(what + ": " + u.getClass().getName() + ": " + u.getMessage(), u);
    }
    return translate(u, what);
  }

  /**
   * Like {@link #translate}, for failures while opening an array: what the reader throws there without a more specific
   * kind is its refusal of the metadata (e.g. zarr-java's "Exactly 1 ArrayBytesCodec is required"), not a decode error.
   */
  public static ZarrJvmException translateOpen(Throwable t, String what) {
    ZarrJvmException e = translate(t, what);
    if (e.getClass() == ChunkDecodeException.class && !(unwrap(t) instanceof ChunkDecodeException)) {
      return new MetadataException(e.getMessage(), e.getCause());
    }
    return e;
  }

  /**
   * The OutOfMemoryError or StackOverflowError anywhere in {@code t}'s cause chain, or null. Readers wrap them (netCDF-Java
   * turns a StackOverflowError into an IOException), yet they mean the JVM ran out of a resource, not bad data.
   */
  public static Throwable resourceExhaustion(Throwable t) {
    Throwable cur = t;
    for (int depth = 0; cur != null && depth < 64; depth++) {
      if (cur instanceof OutOfMemoryError || cur instanceof StackOverflowError) {
        return cur;
      }
      if (cur.getCause() == cur) {
        break;
      }
      cur = cur.getCause();
    }
    return null;
  }

  /** Strips the wrappers executors and streams put around the real cause. */
  public static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof ExecutionException || cur instanceof CompletionException
        || (cur instanceof RuntimeException && cur.getClass() == RuntimeException.class))
        && cur.getCause() != null && cur.getCause() != cur) {
      cur = cur.getCause();
    }
    return cur;
  }
}
