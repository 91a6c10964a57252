package dev.zarrjvm.errors;

/** A chunk could not be decoded, or decoded to the wrong size. */
public class ChunkDecodeException extends ZarrJvmException {
  public ChunkDecodeException(String message) {
    super(message, null);
  }

  public ChunkDecodeException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.CHUNK_DECODE;
  }
}
