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
    if (t instanceof OutOfMemoryError || t instanceof StackOverflowError) {
      return new ResourceException(msg, t);
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
    if (u instanceof IOException && !(u instanceof com.fasterxml.jackson.core.JsonProcessingException)
        && !(u instanceof NoSuchFileException) && !(u instanceof FileNotFoundException)) {
      return new ChunkDecodeException(what + ": " + u.getClass().getName() + ": " + u.getMessage(), u);
    }
    return translate(u, what);
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
