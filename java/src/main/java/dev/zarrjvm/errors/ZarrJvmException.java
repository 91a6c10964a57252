package dev.zarrjvm.errors;

/**
 * Base of the exceptions zarrjvm's Java side throws. Each subclass names one kind of failure; the Python side maps
 * the kind to a {@code zarrjvm} exception class and keeps the cause's Java class and message.
 */
public class ZarrJvmException extends RuntimeException {
  public ZarrJvmException(String message) {
    super(message);
  }

  public ZarrJvmException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Stable name of the failure kind, used by the Python side to pick its exception class. */
  public String kind() {
    return "error";
  }

  /** Java class of the innermost cause (or of this exception when there is none). */
  public String rootCauseClass() {
    Throwable t = rootCause(this);
    return t.getClass().getName();
  }

  public String rootCauseMessage() {
    Throwable t = rootCause(this);
    return String.valueOf(t.getMessage());
  }

  public static Throwable rootCause(Throwable t) {
    Throwable cur = t;
    while (cur.getCause() != null && cur.getCause() != cur) {
      cur = cur.getCause();
    }
    return cur;
  }
}
