package dev.zarrjvm.zarrjava;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zarr.zarrjava.ZarrException;
import dev.zarr.zarrjava.core.Attributes;
import dev.zarr.zarrjava.store.StoreHandle;
import dev.zarr.zarrjava.utils.Utils;
import java.io.IOException;

/**
 * zarr-java's {@code Array.open}, with its metadata parsed by one shared Jackson mapper of each format instead of a
 * new one per open. zarr-java 0.0.9 makes a fresh {@code ObjectMapper} for every array it opens, so Jackson rebuilds
 * its deserializers each time: about 5 ms per array, seconds for a dataset of a thousand variables. The mappers are
 * zarr-java's own ({@code Node.makeObjectMapper()}), made once; a configured mapper is safe to share between threads.
 * Everything else is zarr-java's open, step for step: the same documents, the same metadata classes, its own Array
 * constructors (reached through subclasses, as they are protected).
 */
final class ArrayOpener {
  private static final ObjectMapper V3 = dev.zarr.zarrjava.v3.Node.makeObjectMapper();
  private static final ObjectMapper V2 = dev.zarr.zarrjava.v2.Node.makeObjectMapper();

  private ArrayOpener() {}

  static dev.zarr.zarrjava.core.Array open(StoreHandle node, int zarrFormat) throws IOException, ZarrException {
    if (zarrFormat == 3) {
      byte[] doc = Utils.toArray(node.resolve("zarr.json").readNonNull());
      return new V3Array(node, V3.readValue(doc, dev.zarr.zarrjava.v3.ArrayMetadata.class));
    }
    byte[] doc = Utils.toArray(node.resolve(".zarray").readNonNull());
    dev.zarr.zarrjava.v2.ArrayMetadata meta = V2.readValue(doc, dev.zarr.zarrjava.v2.ArrayMetadata.class);
    StoreHandle attrs = node.resolve(".zattrs");
    if (attrs.exists()) {
      meta.attributes = V2.readValue(Utils.toArray(attrs.readNonNull()), Attributes.class);
    }
    return new V2Array(node, meta);
  }

  private static final class V3Array extends dev.zarr.zarrjava.v3.Array {
    V3Array(StoreHandle node, dev.zarr.zarrjava.v3.ArrayMetadata meta) throws ZarrException {
      super(node, meta);
    }
  }

  private static final class V2Array extends dev.zarr.zarrjava.v2.Array {
    V2Array(StoreHandle node, dev.zarr.zarrjava.v2.ArrayMetadata meta) throws IOException, ZarrException {
      super(node, meta);
    }
  }
}
