package dev.zarrjvm.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.StoreException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreFileTest {
  @TempDir
  Path tmp;

  /** A local store that records the ranges asked of it (the reads a remote store would send). */
  private static final class Recording implements ByteStore {
    final ByteStore inner;
    final List<long[]> ranges = new ArrayList<>();

    Recording(ByteStore inner) {
      this.inner = inner;
    }

    @Override
    public byte[] get(String key) {
      return inner.get(key);
    }

    @Override
    public synchronized byte[] getRange(String key, ByteRange range) {
      ranges.add(range.bounds());
      return inner.getRange(key, range);
    }

    @Override
    public boolean exists(String key) {
      return inner.exists(key);
    }

    @Override
    public long size(String key) {
      return inner.size(key);
    }

    @Override
    public List<String> list(String prefix) {
      return inner.list(prefix);
    }

    @Override
    public String describe() {
      return "recording " + inner.describe();
    }
  }

  private byte[] content(int n) {
    byte[] b = new byte[n];
    new Random(5).nextBytes(b);
    return b;
  }

  @Test
  void readsEqualTheFileAndSmallReadsShareBlocks() throws Exception {
    int bs = StoreFile.blockSize();
    byte[] all = content(3 * bs + 123);
    Files.write(tmp.resolve("f.nc"), all);
    Recording store = new Recording(new LocalByteStore(tmp));
    StoreFile f = StoreFile.open(store, "f.nc");
    assertEquals(all.length, f.size());
    // opening read the first block (with the size): many small reads inside it need no other request
    for (int at = 0; at < 4000; at += 37) {
      assertArrayEquals(Arrays.copyOfRange(all, at, at + 20), f.readFully(at, 20));
    }
    assertEquals(1, store.ranges.size());
    // a read across the missing blocks 1 and 2 fetches both in one request, and, as it continues where the last fetch
    // ended, one block ahead (the short last one)
    assertArrayEquals(Arrays.copyOfRange(all, 2 * bs - 10, 2 * bs + 10), f.readFully(2L * bs - 10, 20));
    assertEquals(2, store.ranges.size());
    assertArrayEquals(new long[] {bs, all.length}, store.ranges.get(1));
    // the last block is short; reading past the end gives what there is, then -1
    byte[] tail = new byte[500];
    assertEquals(123, f.read(3L * bs, tail, 0, 500));
    assertArrayEquals(Arrays.copyOfRange(all, 3 * bs, all.length), Arrays.copyOf(tail, 123));
    assertEquals(-1, f.read(all.length, tail, 0, 1));
    assertThrows(StoreException.class, () -> f.readFully(all.length - 2, 3));
  }

  @Test
  void readsGoingThroughTheFileFetchAheadAndOthersDoNot() throws Exception {
    int bs = StoreFile.blockSize();
    byte[] all = content(40 * bs);
    Files.write(tmp.resolve("seq.nc"), all);
    Recording store = new Recording(new LocalByteStore(tmp));
    StoreFile f = StoreFile.open(store, "seq.nc");
    assertArrayEquals(new long[] {0, bs}, store.ranges.get(0)); // opening: the first block
    f.readFully(20L * bs, 10); // a random read: its block only
    assertArrayEquals(new long[] {20L * bs, 21L * bs}, store.ranges.get(1));
    for (long at = 2L * bs; at < 14L * bs; at += bs / 2) { // reading on: 1, 1+1, 1+2, 1+4 blocks, ...
      assertArrayEquals(Arrays.copyOfRange(all, (int) at, (int) at + 10), f.readFully(at, 10));
    }
    assertArrayEquals(new long[] {2L * bs, 3L * bs}, store.ranges.get(2));
    assertArrayEquals(new long[] {3L * bs, 5L * bs}, store.ranges.get(3));
    assertArrayEquals(new long[] {5L * bs, 8L * bs}, store.ranges.get(4));
    assertArrayEquals(new long[] {8L * bs, 13L * bs}, store.ranges.get(5));
    assertArrayEquals(new long[] {13L * bs, 20L * bs}, store.ranges.get(6)); // up to the block read before
    assertEquals(7, store.ranges.size());
  }

  @Test
  void largeReadsGoStraightToTheStoreAsOneRange() throws Exception {
    int bs = StoreFile.blockSize();
    byte[] all = content(10 * bs);
    Files.write(tmp.resolve("big.h5"), all);
    Recording store = new Recording(new LocalByteStore(tmp));
    StoreFile f = StoreFile.open(store, "big.h5");
    assertArrayEquals(Arrays.copyOfRange(all, 7, 7 + 6 * bs), f.readFully(7, 6 * bs));
    assertEquals(2, store.ranges.size()); // the first block when opening, then the read
    assertArrayEquals(new long[] {7, 7 + 6L * bs}, store.ranges.get(1));
  }

  @Test
  void channelReadsPositionallyAndRefusesWritesAndMaps() throws Exception {
    byte[] all = content(1000);
    Files.write(tmp.resolve("c.h5"), all);
    try (StoreFileChannel ch = new StoreFileChannel(StoreFile.open(new LocalByteStore(tmp), "c.h5"))) {
      ByteBuffer b = ByteBuffer.allocate(100);
      assertEquals(100, ch.read(b, 900));
      assertArrayEquals(Arrays.copyOfRange(all, 900, 1000), b.array());
      assertEquals(-1, ch.read(ByteBuffer.allocate(1), 1000));
      assertEquals(1000, ch.size());
      assertThrows(UnsupportedOperationException.class, () -> ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY,
          0, 10));
      assertThrows(java.nio.channels.NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1), 0));
    }
  }

  @Test
  void threadsMissingTheSameBlockFetchItOnce() throws Exception {
    int bs = StoreFile.blockSize();
    byte[] all = content(2 * bs);
    Files.write(tmp.resolve("t.h5"), all);
    Recording store = new Recording(new LocalByteStore(tmp));
    StoreFile f = StoreFile.open(store, "t.h5");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<byte[]>> reads = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        int at = bs + i * 50;
        reads.add(pool.submit(() -> f.readFully(at, 40)));
      }
      for (int i = 0; i < 64; i++) {
        assertArrayEquals(Arrays.copyOfRange(all, bs + i * 50, bs + i * 50 + 40), reads.get(i).get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(2, store.ranges.size()); // the first block when opening, then block 1 once
  }

  @Test
  void missingFileIsNotFound() {
    assertThrows(ArrayNotFoundException.class, () -> StoreFile.open(new LocalByteStore(tmp), "nope.nc"));
  }
}
