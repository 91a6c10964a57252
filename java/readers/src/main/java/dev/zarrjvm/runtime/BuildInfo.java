package dev.zarrjvm.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Properties;

/**
 * What this build of zarrjvm carries: its version and the readers' versions (written by Maven into
 * {@code build.properties}), and which {@code ucar.ma2} the JVM has. The Central-only build has cdm 4.5.5, whose
 * {@code DataType} has no unsigned constants (UBYTE…ULONG) and whose {@code Array} lacks a few 5.x factories;
 * zarr-java and jzarr are compiled against 5.x. Adapters ask here once, at open time, whether they must route around
 * those gaps.
 */
public final class BuildInfo {
  private static final boolean HAS_UNSIGNED_TYPES =
      Arrays.stream(ucar.ma2.DataType.values()).anyMatch(t -> t.name().equals("ULONG"));
  private static final Properties BUILD = load();

  private BuildInfo() {}

  /** True with netCDF-Java 5.x (cdm-core): DataType.UBYTE/USHORT/UINT/ULONG exist, the readers link fully. */
  public static boolean hasUnsignedTypes() {
    return HAS_UNSIGNED_TYPES;
  }

  /** The cdm artifact, and whether its ucar.ma2 lacks unsigned types, for notes and messages. */
  public static String describeCdm() {
    return get("cdm.artifact", "unknown cdm") + (HAS_UNSIGNED_TYPES ? "" : ", no unsigned DataTypes");
  }

  /** A build fact ({@code version}, {@code zarr-java.version}, {@code cdm.artifact}, ...), or {@code dflt}. */
  public static String get(String key, String dflt) {
    return BUILD.getProperty(key, dflt);
  }

  /** Every build fact. */
  public static Properties all() {
    Properties copy = new Properties();
    copy.putAll(BUILD);
    return copy;
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/zarrjvm/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException ignored) {
      // build facts are informative only
    }
    return p;
  }
}
