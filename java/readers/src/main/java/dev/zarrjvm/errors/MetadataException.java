package dev.zarrjvm.errors;

/** Metadata is missing, malformed or inconsistent, or the reader refused it. */
public class MetadataException extends ZarrJvmException {
  public MetadataException(String message) {
    super(message, null);
  }

  public MetadataException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.METADATA;
  }
}
