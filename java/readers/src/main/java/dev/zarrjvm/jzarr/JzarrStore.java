package dev.zarrjvm.jzarr;

import com.bc.zarr.storage.Store;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/** jzarr's {@link Store} over zarrjvm's {@link ByteStore}, rooted at one node, read-only. */
final class JzarrStore implements Store {
  private final ByteStore bytes;
  private final String root;

  JzarrStore(ByteStore bytes, String root) {
    this.bytes = bytes;
    this.root = root;
  }

  String key(String k) {
    return StoreKeys.join(root, k);
  }

  @Override
  public InputStream getInputStream(String key) {
    byte[] b = bytes.get(key(key));
    return b == null ? null : new ByteArrayInputStream(b);
  }

  @Override
  public OutputStream getOutputStream(String key) throws IOException {
    throw new IOException("zarrjvm opens stores read-only (write to " + key(key) + ")");
  }

  @Override
  public void delete(String key) throws IOException {
    throw new IOException("zarrjvm opens stores read-only (delete " + key(key) + ")");
  }

  @Override
  public TreeSet<String> getArrayKeys() {
    return parentsOf(".zarray");
  }

  @Override
  public TreeSet<String> getGroupKeys() {
    return parentsOf(".zgroup");
  }

  private TreeSet<String> parentsOf(String name) {
    TreeSet<String> out = new TreeSet<>();
    for (String k : getKeysEndingWith(name)) {
      int i = k.lastIndexOf('/');
      out.add(i < 0 ? "" : k.substring(0, i));
    }
    return out;
  }

  @Override
  public TreeSet<String> getKeysEndingWith(String suffix) {
    TreeSet<String> out = new TreeSet<>();
    for (String k : leaves("")) {
      if (k.endsWith(suffix)) {
        out.add(k);
      }
    }
    return out;
  }

  @Override
  public Stream<String> getRelativeLeafKeys(String key) {
    return leaves(key == null ? "" : key).stream();
  }

  /** Leaf keys under {@code rel} (relative to this store's root), relative to {@code rel}. */
  private List<String> leaves(String rel) {
    List<String> out = new ArrayList<>();
    walk(rel, "", out);
    return out;
  }

  private void walk(String rel, String sub, List<String> out) {
    String dir = StoreKeys.join(rel, sub);
    List<String> names = bytes.list(key(dir).isEmpty() ? "" : key(dir) + "/");
    for (String n : names) {
      String child = StoreKeys.join(sub, n);
      String full = key(StoreKeys.join(rel, child));
      if (bytes.list(full + "/").isEmpty()) {
        out.add(child);
      } else {
        walk(rel, child, out);
      }
    }
  }
}
