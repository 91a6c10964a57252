package dev.zarrjvm.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zarrjvm.errors.ZarrJvmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reader options as passed from Python (a JSON object). Unknown names are refused so typos do not pass silently. */
public final class Options {
  /**
   * {@code checks}: refuse inputs a reader is known to misread (default true; false only to measure upstream behaviour).
   * {@code shims}: route around the Central-only ucar.ma2 (signed twin, shard index) when needed (default true).
   * {@code direct}: let the reader's own decompressors decode into bytes that go straight into Arrow memory, skipping
   * the reader's heap array, where the codec chain allows (default true; false reads through the reader's full
   * pipeline).
   */
  public static final Set<String> KNOWN = Set.of("checks", "shims", "direct", "storage_options");

  private final Map<String, Object> values;

  private Options(Map<String, Object> values) {
    this.values = values;
  }

  public static Options empty() {
    return new Options(new LinkedHashMap<>());
  }

  @SuppressWarnings("unchecked")
  public static Options parse(String json) {
    if (json == null || json.isBlank()) {
      return empty();
    }
    JsonNode n = Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "options");
    Map<String, Object> m = Json.MAPPER.convertValue(n, LinkedHashMap.class);
    for (String k : m.keySet()) {
      if (!KNOWN.contains(k)) {
        throw new ZarrJvmException("unknown reader option '" + k + "' (known: " + KNOWN + ")");
      }
    }
    return new Options(m);
  }

  public boolean bool(String name, boolean dflt) {
    Object v = values.get(name);
    return v == null ? dflt : Boolean.TRUE.equals(v);
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> map(String name) {
    Object v = values.get(name);
    return v instanceof Map ? (Map<String, Object>) v : Map.of();
  }
}
