package dev.zarrjvm.errors;

/**
 * Base of the exceptions zarrjvm's Java side throws. Each subclass is one {@link ErrorKind}; {@link Errors} turns any
 * other throwable into one of them, once, where it enters zarrjvm.
 */
public abstract class ZarrJvmException extends RuntimeException {
  protected ZarrJvmException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The kind of failure; the one thing Python and Spark map. */
  public abstract ErrorKind kind();

  /** The same kind of failure with {@code context} in front of the message (the cause is this exception). */
  public ZarrJvmException in(String context) {
    return kind().exception(context + ": " + getMessage(), this);
  }

  /** Java class of the innermost cause (or of this exception when there is none). */
  public String rootCauseClass() {
    return rootCause(this).getClass().getName();
  }

  /** Message of the innermost cause. */
  public String rootCauseMessage() {
    return String.valueOf(rootCause(this).getMessage());
  }

  public static Throwable rootCause(Throwable t) {
    Throwable cur = t;
    for (int depth = 0; cur.getCause() != null && cur.getCause() != cur && depth < 64; depth++) {
      cur = cur.getCause();
    }
    return cur;
  }
}
