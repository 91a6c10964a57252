package dev.zarrjvm.spark;

import dev.zarrjvm.store.ByteRange;
import dev.zarrjvm.store.ByteStore;
import java.util.List;

/** A store that passes every call on, telling {@link #seen} about each (for tests that count what reaches a store). */
class ForwardingStore implements ByteStore {
  private final ByteStore store;

  ForwardingStore(ByteStore store) {
    this.store = store;
  }

  void seen(String call) {}

  @Override
  public byte[] get(String key) {
    seen("get " + key);
    return store.get(key);
  }

  @Override
  public byte[] getRange(String key, ByteRange range) {
    seen("getRange " + key);
    return store.getRange(key, range);
  }

  @Override
  public boolean exists(String key) {
    seen("exists " + key);
    return store.exists(key);
  }

  @Override
  public long size(String key) {
    seen("size " + key);
    return store.size(key);
  }

  @Override
  public List<String> list(String prefix) {
    seen("list " + prefix);
    return store.list(prefix);
  }

  @Override
  public String describe() {
    return store.describe();
  }
}
