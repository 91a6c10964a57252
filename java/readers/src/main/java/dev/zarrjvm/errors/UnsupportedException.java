package dev.zarrjvm.errors;

/** The reader (or this build's ucar.ma2) cannot read this feature; never returns data. */
public class UnsupportedException extends ZarrJvmException {
  public UnsupportedException(String message) {
    super(message, null);
  }

  public UnsupportedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.UNSUPPORTED;
  }
}
