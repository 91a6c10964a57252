package dev.zarrjvm.errors;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where throwables are classified into an {@link ErrorKind}. Code that calls a third-party reader (or
 * anything that may throw something other than a {@link ZarrJvmException}) passes what it caught here, with what it
 * was doing and in which {@link Phase}; everything that leaves zarrjvm is then a {@link ZarrJvmException}.
 *
 * <p>The rules, in order: a zarrjvm exception anywhere in the cause chain keeps its kind (readers wrap store
 * failures); running out of heap or stack is {@link ErrorKind#RESOURCE}; a missing ucar.ma2 member (the Central-only
 * cdm 4.5.5) or another link failure is {@link ErrorKind#UNSUPPORTED}; JSON syntax is {@link ErrorKind#METADATA}; a
 * missing file is {@link ErrorKind#ARRAY_NOT_FOUND}; other I/O is {@link ErrorKind#STORE} (or, while decoding, a
 * codec's stream failing: {@link ErrorKind#CHUNK_DECODE}); a failure thrown from zarrjvm's own code is
 * {@link ErrorKind#INTERNAL} (a bug, never reported as damaged data); whatever else a reader throws is its refusal of
 * the metadata while opening and a decode failure while reading.
 */
public final class Errors {
  /** ucar.ma2.DataType constants that exist only in netCDF-Java 5.x. */
  private static final Set<String> MA2_5X_FIELDS = Set.of("UBYTE", "USHORT", "UINT", "ULONG");
  /**
   * Frames of the libraries zarrjvm calls on its own behalf (the JDK, Arrow, Jackson): one of them throwing for
   * zarrjvm's code is zarrjvm's failure; for a reader's code, the reader's.
   */
  private static final String[] INFRASTRUCTURE = {"java.", "javax.", "jdk.", "sun.", "com.sun.", "org.apache.arrow.",
      "com.fasterxml.jackson."};
  private static final String OWN = "dev.zarrjvm.";
  /** Third-party libraries relocated into the Spark jar: their frames are not zarrjvm's own. */
  private static final String SHADED = "dev.zarrjvm.shaded.";

  /** What was being done when a failure happened: it decides what an unclassified reader failure means. */
  public enum Phase {
    /** Opening an array or group: a reader's unclassified failure is its refusal of the metadata. */
    OPEN,
    /** Decoding a chunk's bytes: an I/O exception comes from a codec's stream (a corrupt zlib stream, ...). */
    DECODE,
    /** Reading data (stores, regions, closing): I/O is the store's, a reader's failure is a decode failure. */
    READ
  }

  private Errors() {}

  /** {@link #translate(Throwable, Phase, String)} while reading. */
  public static ZarrJvmException translate(Throwable t, String what) {
    return translate(t, Phase.READ, what);
  }

  /**
   * Classifies {@code t}, raised while doing {@code what} (e.g. "reading chunk [0, 1] of /data/a") in {@code phase}.
   * A {@link ZarrJvmException} passes through unchanged.
   */
  public static ZarrJvmException translate(Throwable t, Phase phase, String what) {
    t = unwrap(t);
    if (t instanceof ZarrJvmException z) {
      return z;
    }
    Throwable exhausted = resourceExhaustion(t);
    if (exhausted != null) {
      return new ResourceException(what + ": " + describe(exhausted) + " (the JVM stays usable; a larger -Xmx / -Xss "
          + "may read this)", t);
    }
    ZarrJvmException inner = ownCause(t);
    if (inner != null) {
      return inner.kind().exception(what + ": " + inner.getMessage(), t);
    }
    String msg = what + ": " + describe(t);
    if (t instanceof NoSuchFieldError && MA2_5X_FIELDS.contains(String.valueOf(t.getMessage()))) {
      return new UnsupportedException(what + ": the reader needs ucar.ma2.DataType." + t.getMessage() + ", which "
          + "this build's netCDF-Java (ucar.ma2) does not have (zarrjvm.jvm.build_info() names it): " + describe(t), t);
    }
    if (t instanceof LinkageError && String.valueOf(t.getMessage()).contains("ucar")) {
      return new UnsupportedException(what + ": the reader needs a part of ucar.ma2 this build's netCDF-Java does not "
          + "have: " + describe(t), t);
    }
    if (t instanceof LinkageError) {
      return new UnsupportedException(msg, t);
    }
    if (t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
      return new MetadataException(msg, t);
    }
    if (t instanceof NoSuchFileException || t instanceof FileNotFoundException) {
      return new ArrayNotFoundException(msg, t);
    }
    if (t instanceof UncheckedIOException || t instanceof IOException) {
      return phase == Phase.DECODE ? new ChunkDecodeException(msg, t) : new StoreException(msg, t);
    }
    if (thrownByZarrjvm(t)) {
      return new InternalException(what + ": zarrjvm internal error (a bug in zarrjvm, not a problem with the data; "
          + "please report it): " + describe(t), t);
    }
    if (t instanceof UnsupportedOperationException) {
      return new UnsupportedException(msg, t);
    }
    return phase == Phase.OPEN ? new MetadataException(msg, t) : new ChunkDecodeException(msg, t);
  }

  private static String describe(Throwable t) {
    return t.getClass().getName() + ": " + t.getMessage();
  }

  /** The first zarrjvm exception in {@code t}'s cause chain (a reader wrapped it), or null. */
  private static ZarrJvmException ownCause(Throwable t) {
    Throwable cur = t.getCause();
    for (int depth = 0; cur != null && depth < 64; depth++) {
      if (cur instanceof ZarrJvmException z) {
        return z;
      }
      if (cur.getCause() == cur) {
        break;
      }
      cur = cur.getCause();
    }
    return null;
  }

  /**
   * Whether {@code t} was thrown by zarrjvm's own code: the first frame outside the JDK, Arrow and Jackson is
   * zarrjvm's (an NPE in an adapter, or a library method zarrjvm called wrongly). Failures thrown by a reader's frames
   * are the reader's.
   */
  static boolean thrownByZarrjvm(Throwable t) {
    for (StackTraceElement f : t.getStackTrace()) {
      String c = f.getClassName();
      boolean library = c.startsWith(SHADED); // libraries relocated into the Spark jar: the caller's frame decides
      for (String p : INFRASTRUCTURE) {
        library |= c.startsWith(p);
      }
      if (!library) {
        return c.startsWith(OWN);
      }
    }
    return false;
  }

  /**
   * The OutOfMemoryError or StackOverflowError anywhere in {@code t}'s cause chain, or null. Readers wrap them
   * (netCDF-Java turns a StackOverflowError into an IOException), yet they mean the JVM ran out of a resource, not bad
   * data.
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
