package dev.zarrjvm.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.zarrjvm.errors.MetadataException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON for metadata the adapters inspect themselves and for what crosses to Python. NaN/Infinity allowed both ways. */
public final class Json {
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();

  private Json() {}

  public static JsonNode parse(ByteBuffer bytes, String what) {
    if (bytes == null) {
      throw new MetadataException(what + ": missing");
    }
    ByteBuffer b = bytes.duplicate();
    byte[] arr = new byte[b.remaining()];
    b.get(arr);
    return parse(arr, what);
  }

  public static JsonNode parse(byte[] bytes, String what) {
    try {
      JsonNode n = MAPPER.readTree(bytes);
      if (n == null || n.isMissingNode()) {
        throw new MetadataException(what + ": empty document");
      }
      return n;
    } catch (java.io.IOException e) {
      throw new MetadataException(what + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  public static String write(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] writeBytes(JsonNode n) {
    return write(n).getBytes(StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> toMap(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return new LinkedHashMap<>();
    }
    if (!n.isObject()) {
      throw new MetadataException("attributes must be a JSON object, got " + n.getNodeType());
    }
    if (depth(n, 0) > MAX_ATTRIBUTE_DEPTH) {
      throw new MetadataException("attributes nest deeper than " + MAX_ATTRIBUTE_DEPTH + " levels: refused (they cross "
          + "to Python as JSON, whose decoder recurses once per level)");
    }
    return MAPPER.convertValue(n, LinkedHashMap.class);
  }

  /** Attributes deeper than this are refused; real metadata stays far below it. */
  public static final int MAX_ATTRIBUTE_DEPTH = 100;

  private static int depth(JsonNode n, int level) {
    if (level > MAX_ATTRIBUTE_DEPTH) {
      return level;
    }
    int max = level;
    for (JsonNode c : n) {
      if (c.isContainerNode()) {
        max = Math.max(max, depth(c, level + 1));
      }
    }
    return max;
  }
}
