package dev.zarrjvm.zarrjava;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zarrjvm.model.Json;
import dev.zarrjvm.zarr.ZarrMeta;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The metadata document zarr-java is given to parse. With shims on, spec-valid metadata that zarr-java's parser
 * rejects is rewritten to its explicit equivalent — only equivalences the spec itself states, each named in the
 * array's notes — and, on the Central-only build, the element type shown as its signed twin. With shims off zarr-java
 * parses the stored document as it is (the upstream behaviour the compatibility matrix and findings reproduce).
 */
final class ZarrJavaDocument {
  /** The v2 spec's {@code .zarray} keys; "other keys SHOULD be ignored by implementations". */
  private static final Set<String> V2_KEYS = Set.of("zarr_format", "shape", "chunks", "dtype", "compressor",
      "fill_value", "order", "filters", "dimension_separator");

  private final ObjectNode doc;
  private final List<String> notes = new ArrayList<>();
  private boolean changed;

  private ZarrJavaDocument(ObjectNode doc) {
    this.doc = doc;
  }

  /** The document for {@code meta}: normalized when {@code normalize}, the signed twin's when {@code twin}. */
  static ZarrJavaDocument of(ZarrMeta meta, boolean normalize, boolean twin) {
    ZarrJavaDocument d = new ZarrJavaDocument((ObjectNode) Json.parse(
        twin ? meta.signedTwinDocument() : Json.writeBytes(meta.doc), meta.key));
    d.changed = twin;
    if (normalize) {
      if (meta.zarrFormat == 3) {
        d.chunkKeyEncodingConfiguration();
      } else {
        d.unknownV2Keys();
      }
    }
    return d;
  }

  /**
   * v3: the {@code default} and {@code v2} chunk key encodings' {@code configuration} is optional (separator '/' and
   * '.'); zarr-java 0.0.9 requires it (finding Z7: every v3 array tensorstore writes with the default separator).
   */
  private void chunkKeyEncodingConfiguration() {
    JsonNode cke = doc.get("chunk_key_encoding");
    if (!(cke instanceof ObjectNode o) || o.has("configuration")) {
      return;
    }
    String name = o.path("name").asText("");
    String sep = name.equals("default") ? "/" : name.equals("v2") ? "." : null;
    if (sep != null) {
      o.putObject("configuration").put("separator", sep);
      normalized("chunk_key_encoding '" + name + "' without configuration given its spec default separator '"
          + sep + "' (zarr-java requires it, finding Z7)");
    }
  }

  /** v2: keys outside the spec's list (NCZarr's {@code _nczarr_array}, …) are ignored, as the spec says. */
  private void unknownV2Keys() {
    List<String> dropped = new ArrayList<>();
    for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!V2_KEYS.contains(k)) {
        dropped.add(k);
        it.remove();
      }
    }
    if (!dropped.isEmpty()) {
      normalized(".zarray keys outside the v2 spec " + dropped + " ignored, as the spec says (zarr-java refuses "
          + "unknown keys)");
    }
  }

  private void normalized(String what) {
    changed = true;
    notes.add("metadata normalized: " + what);
  }

  /** True when zarr-java must see a document other than the stored one. */
  boolean changed() {
    return changed;
  }

  byte[] bytes() {
    return Json.writeBytes(doc);
  }

  /** What was normalized, for the array's notes (the signed twin has its own note). */
  List<String> notes() {
    return notes;
  }
}
