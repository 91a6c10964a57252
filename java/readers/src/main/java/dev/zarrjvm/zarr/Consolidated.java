package dev.zarrjvm.zarr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zarrjvm.errors.MetadataException;
import dev.zarrjvm.errors.StoreException;
import dev.zarrjvm.model.Json;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.MetadataCache;
import dev.zarrjvm.store.StoreKeys;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A group's consolidated metadata, where the group has it: Zarr v3's {@code consolidated_metadata} inside the group's
 * {@code zarr.json}, or Zarr v2's {@code .zmetadata} (zarr-python and xarray write both by default). As zarr-python
 * and xarray do, the group's members are then the ones it lists (no store listing, which plain HTTP servers cannot
 * answer), and every member's metadata comes from it: on a remote store the documents are put in the store's
 * {@link MetadataCache}, so opening a member costs no request.
 */
record Consolidated(List<String> arrays, List<String> groups) {

  /** The consolidated metadata of the group at {@code node} ({@code self} its probe), or null when it has none. */
  static Consolidated read(ByteStore store, String node, ZarrMeta.Node self) {
    return self.zarrFormat() == 3 ? v3(store, node, self.v3Doc()) : v2(store, node);
  }

  /** A member path the consolidated metadata in {@code where} lists, refused when it would leave the store. */
  private static String member(String path, String where) {
    try {
      return StoreKeys.nodePath(path);
    } catch (StoreException e) {
      throw new MetadataException(where + ": consolidated metadata lists '" + path + "', which is not a path inside "
          + "the store");
    }
  }

  private static Consolidated v3(ByteStore store, String node, JsonNode doc) {
    JsonNode meta = doc == null ? null : doc.path("consolidated_metadata").path("metadata");
    if (meta == null || !meta.isObject()) {
      return null;
    }
    List<String> arrays = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = member(e.getKey(), StoreKeys.join(node, ZarrMeta.V3_META));
      String type = e.getValue().path("node_type").asText("");
      if (!path.contains("/")) {
        (type.equals("array") ? arrays : groups).add(path);
      }
      String member = StoreKeys.join(node, path);
      MetadataCache.seed(store, StoreKeys.join(member, ZarrMeta.V3_META), Json.writeBytes(e.getValue()));
      MetadataCache.seed(store, StoreKeys.join(member, ZarrMeta.V2_ARRAY), null);
      MetadataCache.seed(store, StoreKeys.join(member, ZarrMeta.V2_GROUP), null);
    }
    return new Consolidated(arrays, groups);
  }

  private static Consolidated v2(ByteStore store, String node) {
    byte[] raw = store.get(StoreKeys.join(node, ".zmetadata"));
    if (raw == null) {
      return null;
    }
    JsonNode meta = Json.parse(raw, StoreKeys.join(node, ".zmetadata")).path("metadata");
    if (!meta.isObject()) {
      return null;
    }
    List<String> arrays = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<String> members = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      int slash = key.lastIndexOf('/');
      String path = slash < 0 ? "" : member(key.substring(0, slash), StoreKeys.join(node, ".zmetadata"));
      String doc = key.substring(slash + 1);
      if (!path.isEmpty() && !path.contains("/")) {
        if (doc.equals(ZarrMeta.V2_ARRAY)) {
          arrays.add(path);
        } else if (doc.equals(ZarrMeta.V2_GROUP)) {
          groups.add(path);
        }
      }
      if (!path.isEmpty() && (doc.equals(ZarrMeta.V2_ARRAY) || doc.equals(ZarrMeta.V2_GROUP))) {
        members.add(path);
      }
      MetadataCache.seed(store, StoreKeys.join(node, key), Json.writeBytes(e.getValue()));
    }
    for (String m : members) {  // what the consolidated metadata does not list, the member does not have
      for (String doc : List.of(ZarrMeta.V3_META, ZarrMeta.V2_ARRAY, ZarrMeta.V2_GROUP, ZarrMeta.V2_ATTRS)) {
        if (!meta.has(m + "/" + doc)) {
          MetadataCache.seed(store, StoreKeys.join(node, m, doc), null);
        }
      }
    }
    return new Consolidated(arrays, groups);
  }
}
