package dev.zarrjvm.errors;

/** Metadata is missing, malformed or inconsistent. */
public class MetadataException extends ZarrJvmException {
  public MetadataException(String message) {
    super(message);
  }

  public MetadataException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String kind() {
    return "metadata";
  }
}
