package dev.zarrjvm.errors;

import java.util.function.BiFunction;

/**
 * What went wrong, in the terms a user acts on. Every failure that leaves zarrjvm's Java side is a
 * {@link ZarrJvmException} of one kind; Python ({@code zarrjvm.errors.from_java}) and Spark map the kind, never the
 * Java class or the message.
 */
public enum ErrorKind {
  /** Metadata is missing, malformed or inconsistent, or the reader refused it. */
  METADATA(MetadataException::new),
  /** The store, or the array / variable / group inside it, does not exist. */
  ARRAY_NOT_FOUND(ArrayNotFoundException::new),
  /** A chunk could not be decoded, or decoded to something that does not fit the array. */
  CHUNK_DECODE(ChunkDecodeException::new),
  /** The reader (or this build's ucar.ma2) cannot read this feature; it never returns data for it. */
  UNSUPPORTED(UnsupportedException::new),
  /** The store could not be read: I/O, permissions, a key that would leave the store, a remote failure. */
  STORE(StoreException::new),
  /** The JVM ran out of a resource (heap, stack, direct memory); the JVM stays usable. */
  RESOURCE(ResourceException::new),
  /** The caller passed something invalid: an unknown backend, a bad option, a closed source. */
  INVALID_ARGUMENT(InvalidArgumentException::new),
  /** Chunk coordinates or a region outside the array (an index error, as NumPy's). */
  OUT_OF_BOUNDS(OutOfBoundsException::new),
  /** A failure in zarrjvm's own code (a bug), not in the data or the reader. */
  INTERNAL(InternalException::new);

  private final BiFunction<String, Throwable, ZarrJvmException> make;

  ErrorKind(BiFunction<String, Throwable, ZarrJvmException> make) {
    this.make = make;
  }

  /** A new exception of this kind. */
  public ZarrJvmException exception(String message, Throwable cause) {
    return make.apply(message, cause);
  }
}
