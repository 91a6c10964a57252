package dev.zarrjvm.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zarrjvm.model.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Test;

class HugePagesTest {
  private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

  @Test
  void largeOutputBuffersAreHugePageEligibleSmallOnesUntouched() throws IOException {
    assumeTrue(HugePages.enabled() && Files.exists(THP) && !Files.readString(THP).contains("[never]"),
        "Linux with transparent huge pages");
    DType f4 = DType.parseNumpy("<f4");
    try (BufferAllocator a = ArrowMemory.newChild("test");
        FieldVector big = ChunkVectors.allocate("x", f4, 3L << 20, a);
        FieldVector small = ChunkVectors.allocate("y", f4, 1000, a)) {
      ArrowBuf data = big.getDataBuffer();
      long advised = HugePages.advise(data); // advising twice is harmless: the kernel's answer, measured
      assertTrue(advised >= 8L << 20, "12 MiB holds at least four aligned 2 MiB pages; advised " + advised);
      assertEquals(0, HugePages.advise(small.getDataBuffer()));
      long first = (data.memoryAddress() + (2L << 20) - 1) & -(2L << 20);
      assertEquals("1", smapsField(first, "THPeligible"));
      for (long i = 0; i < data.capacity(); i += 4096) {
        data.setByte(i, (byte) (i >>> 12));
      }
      for (long i = 0; i < data.capacity(); i += 4096) {
        assertEquals((byte) (i >>> 12), data.getByte(i));
      }
    }
  }

  /** A field of the /proc/self/smaps entry whose address range holds {@code address}. */
  private static String smapsField(long address, String field) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
    boolean inside = false;
    for (String line : lines) {
      if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
        String[] range = line.substring(0, line.indexOf(' ')).split("-");
        inside = Long.parseUnsignedLong(range[0], 16) <= address && address < Long.parseUnsignedLong(range[1], 16);
      } else if (inside && line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    return "absent";
  }
}
