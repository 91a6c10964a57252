package dev.zarrjvm.errors;

/** Chunk coordinates or a region outside the array: an invalid argument that Python raises as an index error. */
public class OutOfBoundsException extends InvalidArgumentException {
  public OutOfBoundsException(String message) {
    super(message);
  }

  public OutOfBoundsException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.OUT_OF_BOUNDS;
  }
}
