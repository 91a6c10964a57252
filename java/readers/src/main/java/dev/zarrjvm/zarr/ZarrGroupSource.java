package dev.zarrjvm.zarr;

import dev.zarrjvm.backend.Backend;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.InvalidArgumentException;
import dev.zarrjvm.model.GroupInfo;
import dev.zarrjvm.model.GroupSource;
import dev.zarrjvm.model.Node;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * A Zarr group, for either Zarr backend. Members are the ones its consolidated metadata lists ({@link Consolidated}),
 * or else the children whose metadata document says array or group (a malformed child still shows up, and fails
 * clearly when opened). Members open through the backend (its own checks
 * included) on the same store, with the options the group was opened with; the store belongs to whoever opened the
 * group.
 */
public final class ZarrGroupSource implements GroupSource {
  private final Backend backend;
  private final ByteStore store;
  private final String node;
  private final ReaderOptions options;
  private final GroupInfo info;
  private volatile boolean closed;

  /** Opens the group at {@code path} of {@code store}; members open with {@code backend}. */
  public ZarrGroupSource(Backend backend, ByteStore store, String path, ReaderOptions options) {
    this.backend = backend;
    this.store = store;
    this.node = ZarrMeta.checkNode(store, path, options.zarrFormat());
    this.options = options;
    ZarrMeta.Node k = ZarrMeta.probe(store, node, options.zarrFormat());
    if (k.kind() == ZarrMeta.Kind.NONE) {
      throw new ArrayNotFoundException("no Zarr group at " + ZarrMeta.where(store, node));
    }
    if (k.kind() == ZarrMeta.Kind.ARRAY) {
      throw new ArrayNotFoundException(ZarrMeta.where(store, node) + " is an array, not a group");
    }
    this.info = readInfo(k);
  }

  /** The Zarr format of this group (2 or 3). */
  public int zarrFormat() {
    return info.format().equals("zarr-v3") ? 3 : 2;
  }

  private GroupInfo readInfo(ZarrMeta.Node self) {
    List<String> arrayNames = new ArrayList<>();
    List<String> groupNames = new ArrayList<>();
    Consolidated consolidated = Consolidated.read(store, node, self);
    if (consolidated != null) {
      arrayNames.addAll(consolidated.arrays());
      groupNames.addAll(consolidated.groups());
    }
    for (String name : consolidated != null ? List.<String>of() : store.list(node.isEmpty() ? "" : node + "/")) {
      if (name.startsWith(".") || name.equals(ZarrMeta.V3_META)) {
        continue;
      }
      ZarrMeta.Kind kind = ZarrMeta.probe(store, StoreKeys.join(node, name), options.zarrFormat()).kind();
      if (kind == ZarrMeta.Kind.ARRAY) {
        arrayNames.add(name);
      } else if (kind == ZarrMeta.Kind.GROUP) {
        groupNames.add(name);
      }
    }
    return new GroupInfo(backend.name(), self.zarrFormat() == 3 ? "zarr-v3" : "zarr-v2", node,
        ZarrMeta.attributes(store, node, self.zarrFormat(), self.v3Doc()), arrayNames, groupNames, List.of());
  }

  @Override
  public GroupInfo info() {
    return info;
  }

  @Override
  public Node open(String path) {
    if (closed) {
      throw new InvalidArgumentException("group " + ZarrMeta.where(store, node) + " is closed");
    }
    String rel = StoreKeys.nodePath(path);
    String first = rel.split("/", 2)[0];
    // only what the listing shows is a member (links that leave the store are left out of it)
    boolean member = info.arrays().contains(first) || info.groups().contains(first);
    String child = StoreKeys.join(node, rel);
    ZarrMeta.Kind kind = member ? ZarrMeta.probe(store, child, options.zarrFormat()).kind() : ZarrMeta.Kind.NONE;
    if (kind == ZarrMeta.Kind.ARRAY) {
      return backend.openArray(store, child, options);
    }
    if (kind == ZarrMeta.Kind.GROUP) {
      return backend.openGroup(store, child, options);
    }
    throw new ArrayNotFoundException("no member '" + path + "' in group " + ZarrMeta.where(store, node) + " (members: "
        + members() + ")");
  }

  private String members() {
    List<String> all = new ArrayList<>(info.arrays());
    all.addAll(info.groups());
    all.sort(null);
    return all.toString();
  }

  @Override
  public void close() {
    closed = true;
  }
}
