package dev.zarrjvm.store;

import dev.zarrjvm.errors.StoreException;
import java.util.ArrayList;
import java.util.List;

/** Validation and joining of store keys and of the array paths users pass in. */
public final class StoreKeys {
  private StoreKeys() {}

  /**
   * Normalises a user-given node path ("a/b", "a/b/", "" or null for the root) to its key prefix without a trailing
   * '/'. Paths that could leave the store (absolute, "..", "." segments, backslashes, NUL) are refused.
   */
  public static String nodePath(String path) {
    if (path == null || path.isEmpty()) {
      return "";
    }
    if (path.startsWith("/") || path.contains("\\") || path.indexOf('\0') >= 0 || path.matches("^[A-Za-z]:.*")) {
      throw new StoreException("array path '" + path + "' must be relative to the store (no leading '/', no drive)");
    }
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    for (String seg : p.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw new StoreException("array path '" + path + "' has an empty, '.' or '..' segment: it must stay inside "
            + "the store");
      }
    }
    return p;
  }

  public static String join(String prefix, String... parts) {
    StringBuilder sb = new StringBuilder(prefix == null ? "" : prefix);
    for (String part : parts) {
      if (part == null || part.isEmpty()) {
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '/') {
        sb.append('/');
      }
      sb.append(part);
    }
    return sb.toString();
  }

  public static String join(String[] keys) {
    return String.join("/", keys);
  }

  public static String[] split(String key) {
    if (key == null || key.isEmpty()) {
      return new String[0];
    }
    List<String> out = new ArrayList<>();
    for (String s : key.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out.toArray(new String[0]);
  }

  /** Checks a key produced by a reader (chunk keys, metadata keys) before it touches the store. */
  public static String checkKey(String key) {
    if (key.startsWith("/") || key.contains("\\") || key.indexOf('\0') >= 0) {
      throw new StoreException("key '" + key + "' would leave the store");
    }
    for (String seg : key.split("/", -1)) {
      if (seg.equals("..") || seg.equals(".")) {
        throw new StoreException("key '" + key + "' would leave the store");
      }
    }
    return key;
  }
}
