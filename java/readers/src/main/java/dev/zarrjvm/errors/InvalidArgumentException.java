package dev.zarrjvm.errors;

/** The caller passed something invalid (coordinates outside the grid, a closed source). */
public class InvalidArgumentException extends ZarrJvmException {
  public InvalidArgumentException(String message) {
    super(message, null);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.INVALID_ARGUMENT;
  }
}
