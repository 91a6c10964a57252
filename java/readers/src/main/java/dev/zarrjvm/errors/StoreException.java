package dev.zarrjvm.errors;

/** The store could not be read (I/O, a key outside the store, a remote failure). */
public class StoreException extends ZarrJvmException {
  public StoreException(String message) {
    super(message, null);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.STORE;
  }
}
