package dev.zarrjvm.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.zarrjvm.errors.StoreException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A store's {@code storage_options} (the dict a user passes to {@code open_array}, s3fs's and fsspec's names), read
 * strictly: each store names the options it reads, and any other name is refused, so a typo never silently falls back
 * to a default. Made once per open ({@link #of}, {@link #parse}) and handed to {@link Stores#open}.
 */
public final class StorageOptions {
  private static final StorageOptions NONE = new StorageOptions("storage", Map.of());

  private final String kind;
  private final Map<String, Object> values;
  private final Set<String> known = new LinkedHashSet<>();

  private StorageOptions(String kind, Map<String, Object> values) {
    this.kind = kind;
    this.values = values == null ? Map.of() : values;
  }

  /** No options. */
  public static StorageOptions none() {
    return NONE;
  }

  /** The options in {@code values} (names to strings, numbers, booleans and nested maps). */
  public static StorageOptions of(Map<String, Object> values) {
    return values == null || values.isEmpty() ? NONE
        : new StorageOptions("storage", Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  /** The options in a JSON object, as Python passes the user's dict (parsed once, here). */
  @SuppressWarnings("unchecked")
  public static StorageOptions parse(String json) {
    if (json == null || json.isBlank()) {
      return NONE;
    }
    try {
      Object v = JsonMapper.builder().build().readValue(json, Object.class);
      if (!(v instanceof Map)) {
        throw new StoreException("storage_options must be a dict, got " + json);
      }
      return of((Map<String, Object>) v);
    } catch (JsonProcessingException e) {
      throw new StoreException("storage_options are not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Whether any option is set. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** A fresh reading of these options by the store of kind {@code kind} ("http", "s3", ...), for its messages. */
  StorageOptions readBy(String kind) {
    return new StorageOptions(kind, values);
  }

  /** The first of {@code names} that is set (aliases, e.g. s3fs's and boto's spelling), or null. */
  Object get(String... names) {
    Object out = null;
    for (String n : names) {
      known.add(n);
      if (out == null && values.get(n) != null) {
        out = values.get(n);
      }
    }
    return out;
  }

  String string(String... names) {
    Object v = get(names);
    if (v != null && !(v instanceof String)) {
      throw new StoreException(kind + " storage option '" + names[0] + "' must be a string, got " + v);
    }
    return (String) v;
  }

  Boolean bool(String... names) {
    Object v = get(names);
    if (v != null && !(v instanceof Boolean)) {
      throw new StoreException(kind + " storage option '" + names[0] + "' must be true or false, got " + v);
    }
    return (Boolean) v;
  }

  Double number(String... names) {
    Object v = get(names);
    if (v != null && !(v instanceof Number)) {
      throw new StoreException(kind + " storage option '" + names[0] + "' must be a number, got " + v);
    }
    return v == null ? null : ((Number) v).doubleValue();
  }

  /** A nested dict option (e.g. {@code headers}, s3fs's {@code client_kwargs}), read as strict options too. */
  @SuppressWarnings("unchecked")
  StorageOptions nested(String name) {
    Object v = get(name);
    if (v != null && !(v instanceof Map)) {
      throw new StoreException(kind + " storage option '" + name + "' must be a dict, got " + v);
    }
    return new StorageOptions(kind + " " + name, v == null ? Map.of() : (Map<String, Object>) v);
  }

  /** All entries as strings (for free-form dicts such as HTTP headers). */
  Map<String, String> asStrings() {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, String.valueOf(v)));
    known.addAll(values.keySet());
    return out;
  }

  /** Refuses every option that no getter asked for. */
  void refuseUnknown() {
    for (String k : values.keySet()) {
      if (!known.contains(k)) {
        throw new StoreException("unknown " + kind + " storage option '" + k + "' (known: " + known + ")");
      }
    }
  }
}
