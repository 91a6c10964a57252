package dev.zarrjvm.arrow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Owner of Arrow memory in this JVM: one root allocator, one child allocator per open source. Buffers handed to Python
 * stay accounted to their child until Python releases them (the C Data release callback), so a child whose source is
 * closed while Python still holds views is closed later, when its last buffer comes back.
 */
public final class ArrowMemory {
  private static final RootAllocator ROOT = new RootAllocator(Long.MAX_VALUE);
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final List<BufferAllocator> CLOSING = new ArrayList<>();

  private ArrowMemory() {}

  public static BufferAllocator root() {
    return ROOT;
  }

  public static BufferAllocator newChild(String name) {
    return ROOT.newChildAllocator(name + "#" + COUNTER.incrementAndGet(), 0, Long.MAX_VALUE);
  }

  /** Closes {@code child} now if nothing it allocated is still alive, otherwise as soon as that is true. */
  public static void release(BufferAllocator child) {
    synchronized (CLOSING) {
      CLOSING.add(child);
    }
    sweep();
  }

  /** Bytes currently allocated by every zarrjvm allocator (chunks Python holds included). */
  public static long allocatedBytes() {
    sweep();
    return ROOT.getAllocatedMemory();
  }

  /** Number of child allocators still open (sources not yet closed, or closed with buffers still held). */
  public static int openChildren() {
    sweep();
    return ROOT.getChildAllocators().size();
  }

  private static void sweep() {
    synchronized (CLOSING) {
      CLOSING.removeIf(a -> {
        if (a.getAllocatedMemory() == 0) {
          a.close();
          return true;
        }
        return false;
      });
    }
  }
}
