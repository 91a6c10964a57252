package dev.zarrjvm.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Zarr group for either Zarr backend. Members are the children whose metadata document says array or group (a
 * malformed child still shows up, and fails clearly when opened); opening goes through the backend's reader.
 */
public abstract class ZarrGroupSource implements GroupSource {
  protected final ByteStore store;
  protected final String node;
  protected final Options options;
  private final String backend;
  private final int zarrFormat;

  protected ZarrGroupSource(String backend, ByteStore store, String path, Options options) {
    this.backend = backend;
    this.store = store;
    this.node = StoreKeys.nodePath(path);
    this.options = options;
    ZarrMeta.checkUnambiguous(store, node);
    ZarrMeta.NodeKind k = ZarrMeta.probe(store, node);
    String where = "'" + (node.isEmpty() ? "/" : node) + "' in " + store.describe();
    if (k.kind() == null) {
      throw new ArrayNotFoundException("no Zarr group at " + where);
    }
    if (k.kind().equals("array")) {
      throw new ArrayNotFoundException(where + " is an array, not a group");
    }
    this.zarrFormat = k.zarrFormat();
  }

  public int zarrFormat() {
    return zarrFormat;
  }

  protected abstract ChunkSource openArraySource(String path);

  protected abstract GroupSource openGroupSource(String path);

  @Override
  public String infoJson() {
    List<String> arrays = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    for (String name : store.list(node.isEmpty() ? "" : node + "/")) {
      if (name.startsWith(".") || name.equals(ZarrMeta.V3_META)) {
        continue;
      }
      ZarrMeta.NodeKind k = ZarrMeta.probe(store, StoreKeys.join(node, name));
      if ("array".equals(k.kind())) {
        arrays.add(name);
      } else if ("group".equals(k.kind())) {
        groups.add(name);
      }
    }
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("backend", backend);
    o.put("format", zarrFormat == 3 ? "zarr-v3" : "zarr-v2");
    o.put("path", node);
    o.set("attributes", Json.MAPPER.valueToTree(attributes()));
    ArrayNode a = o.putArray("arrays");
    arrays.forEach(a::add);
    ArrayNode g = o.putArray("groups");
    groups.forEach(g::add);
    return Json.write(o);
  }

  private Map<String, Object> attributes() {
    if (zarrFormat == 3) {
      String key = StoreKeys.join(node, ZarrMeta.V3_META);
      return Json.toMap(Json.parse(store.get(key), key).get("attributes"));
    }
    String key = StoreKeys.join(node, ZarrMeta.V2_ATTRS);
    byte[] b = store.get(key);
    return b == null ? new java.util.LinkedHashMap<>() : Json.toMap(Json.parse(b, key));
  }

  @Override
  public ChunkSource openArray(String name) {
    return openArraySource(StoreKeys.join(node, StoreKeys.nodePath(name)));
  }

  @Override
  public GroupSource openGroup(String name) {
    return openGroupSource(StoreKeys.join(node, StoreKeys.nodePath(name)));
  }

  @Override
  public void close() {}
}
