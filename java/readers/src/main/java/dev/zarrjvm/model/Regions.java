package dev.zarrjvm.model;

/**
 * Walks a rectangular copy between two C-ordered boxes as contiguous runs. Trailing dimensions that are complete on
 * both sides merge into one run, so copying a whole chunk into a matching region is a single run.
 */
public final class Regions {
  private Regions() {}

  /** Receives one run: linear element index in the source box, in the destination box, and the run length. */
  @FunctionalInterface
  public interface RunConsumer {
    void run(long srcIndex, long dstIndex, long length);
  }

  public static void forEachRun(int[] copyShape, int[] srcShape, int[] srcOffset, int[] dstShape, int[] dstOffset,
      RunConsumer consumer) {
    int nd = copyShape.length;
    if (nd == 0) {
      consumer.run(0, 0, 1);
      return;
    }
    for (int v : copyShape) {
      if (v == 0) {
        return;
      }
    }
    long[] srcStride = strides(srcShape);
    long[] dstStride = strides(dstShape);
    int k = nd - 1;
    long run = copyShape[k];
    while (k > 0 && copyShape[k] == srcShape[k] && copyShape[k] == dstShape[k]) {
      k--;
      run *= copyShape[k];
    }
    long srcBase = 0;
    long dstBase = 0;
    for (int d = 0; d < nd; d++) {
      srcBase += srcOffset[d] * srcStride[d];
      dstBase += dstOffset[d] * dstStride[d];
    }
    // odometer over dimensions [0, k)
    int[] ctr = new int[k];
    while (true) {
      long s = srcBase;
      long t = dstBase;
      for (int d = 0; d < k; d++) {
        s += ctr[d] * srcStride[d];
        t += ctr[d] * dstStride[d];
      }
      consumer.run(s, t, run);
      int d = k - 1;
      while (d >= 0) {
        if (++ctr[d] < copyShape[d]) {
          break;
        }
        ctr[d] = 0;
        d--;
      }
      if (d < 0) {
        return;
      }
    }
  }

  public static long[] strides(int[] shape) {
    long[] s = new long[shape.length];
    long acc = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      s[d] = acc;
      acc *= shape[d];
    }
    return s;
  }
}
