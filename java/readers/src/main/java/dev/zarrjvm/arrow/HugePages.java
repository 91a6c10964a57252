package dev.zarrjvm.arrow;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.apache.arrow.memory.ArrowBuf;

/**
 * Asks Linux to back a large output buffer with transparent huge pages ({@code madvise(MADV_HUGEPAGE)}), as NumPy
 * does for its own arrays of 4 MiB and more. Where the kernel's THP mode is {@code madvise} (a common default), a
 * whole-array read otherwise takes one page fault per 4 KiB of output — 65,536 for 256 MiB, most of such a read's
 * system time — and 512 times fewer with the advice. Only the 2 MiB-aligned inside of the buffer is advised; where
 * the advice does not apply (another OS, THP disabled, JNA absent, {@code -Dzarrjvm.hugePages=false}) the buffer is
 * left as it is.
 */
final class HugePages {
  static final long MIN_BYTES = 4L << 20;
  private static final long HUGE = 2L << 20;
  private static final int MADV_HUGEPAGE = 14;

  private HugePages() {}

  /** Looked up on the first large buffer: JNA's start (it runs {@code ldconfig -p}) stays off a small read's path. */
  private static final class Libc {
    static final Function MADVISE = find();
  }

  private static Function find() {
    if (!System.getProperty("os.name", "").startsWith("Linux")
        || !Boolean.parseBoolean(System.getProperty("zarrjvm.hugePages", "true"))) {
      return null;
    }
    try {
      return NativeLibrary.getInstance("c").getFunction("madvise");
    } catch (Throwable t) {
      return null;
    }
  }

  /** Whether buffers are advised here (Linux, libc reachable through JNA, not switched off). */
  static boolean enabled() {
    return Libc.MADVISE != null;
  }

  /** Advises the 2 MiB-aligned part of {@code buf} before anything is written to it; returns the bytes advised. */
  static long advise(ArrowBuf buf) {
    long start = buf.memoryAddress();
    long length = buf.capacity();
    if (length < MIN_BYTES || Libc.MADVISE == null) {
      return 0;
    }
    long from = (start + HUGE - 1) & -HUGE;
    long to = (start + length) & -HUGE;
    if (to <= from) {
      return 0;
    }
    int rc = Libc.MADVISE.invokeInt(new Object[] {new Pointer(from), to - from, MADV_HUGEPAGE});
    return rc == 0 ? to - from : 0;
  }
}
