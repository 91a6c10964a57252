package dev.zarrjvm.errors;

/** The store could not be read (I/O, path outside the store, permissions). */
public class StoreException extends ZarrJvmException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String kind() {
    return "store";
  }
}
