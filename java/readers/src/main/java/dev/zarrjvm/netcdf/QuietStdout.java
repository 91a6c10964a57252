package dev.zarrjvm.netcdf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * netCDF-Java prints what it skips while reading an HDF5 header ("SKIPPING variable with SZIP Filter=…") to
 * {@code System.out} (its H5header captures {@code System.out} as its debug stream when it is made), and stack traces
 * of failures it then throws to {@code System.err}. zarrjvm reads quietly: both become streams that forward
 * everything, except what a thread writes while it is inside {@link #capture}, which is kept instead and handed back
 * (the backend reports it as notes, or drops it with the failure it accompanied). Installed once.
 */
final class QuietStdout extends OutputStream {
  private static final ThreadLocal<ByteArrayOutputStream> CAPTURING = new ThreadLocal<>();
  private static volatile boolean installed;

  private final PrintStream original;

  private QuietStdout(PrintStream original) {
    this.original = original;
  }

  private static synchronized void install() {
    if (!installed) {
      // both streams: H5iosp also prints stack traces of its own failures to System.err before throwing them
      System.setOut(new PrintStream(new QuietStdout(System.out), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(new QuietStdout(System.err), true, StandardCharsets.UTF_8));
      installed = true;
    }
  }

  /** What runs while output is captured. */
  interface Action<T> {
    T run() throws IOException;
  }

  /** Runs {@code action}, keeping what this thread prints to {@code System.out} meanwhile in {@code lines}. */
  static <T> T capture(Action<T> action, List<String> lines) throws IOException {
    install();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ByteArrayOutputStream outer = CAPTURING.get();
    CAPTURING.set(buf);
    try {
      return action.run();
    } finally {
      CAPTURING.set(outer);
      // one message per "SKIPPING ...", its continuation lines joined to it
      for (String message : buf.toString(StandardCharsets.UTF_8).strip().split("\\R(?=SKIPPING)")) {
        if (!message.isBlank()) {
          lines.add(message.strip().replaceAll("\\s+", " "));
        }
      }
    }
  }

  @Override
  public void write(int b) {
    ByteArrayOutputStream buf = CAPTURING.get();
    if (buf != null) {
      buf.write(b);
    } else {
      original.write(b);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ByteArrayOutputStream buf = CAPTURING.get();
    if (buf != null) {
      buf.write(b, off, len);
    } else {
      original.write(b, off, len);
    }
  }

  @Override
  public void flush() {
    original.flush();
  }
}
