package dev.zarrjvm.errors;

/** The JVM ran out of a resource (heap, stack, direct memory) during the call. */
public class ResourceException extends ZarrJvmException {
  public ResourceException(String message) {
    super(message, null);
  }

  public ResourceException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.RESOURCE;
  }
}
