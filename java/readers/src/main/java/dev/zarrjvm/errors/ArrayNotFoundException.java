package dev.zarrjvm.errors;

/** The store or the array/variable/group inside it does not exist. */
public class ArrayNotFoundException extends ZarrJvmException {
  public ArrayNotFoundException(String message) {
    super(message, null);
  }

  public ArrayNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.ARRAY_NOT_FOUND;
  }
}
