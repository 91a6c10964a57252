package dev.zarrjvm.errors;

/** A failure raised in zarrjvm's own code: a bug in zarrjvm, not in the data or the reader. */
public class InternalException extends ZarrJvmException {
  public InternalException(String message) {
    super(message, null);
  }

  public InternalException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.INTERNAL;
  }
}
