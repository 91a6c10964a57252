package dev.zarrjvm.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Properties;

/**
 * Which {@code ucar.ma2} this JVM carries. The Central-only build has cdm 4.5.5, whose {@code DataType} has no unsigned
 * constants (UBYTE…ULONG) and whose {@code Array} lacks a few 5.x factories; zarr-java and jzarr are compiled against 5.x.
 * Adapters ask here once, at open time, whether they must route around those gaps.
 */
public final class Ma2Flavour {
  private static final boolean HAS_UNSIGNED_TYPES =
      Arrays.stream(ucar.ma2.DataType.values()).anyMatch(t -> t.name().equals("ULONG"));
  private static final Properties BUILD = load();

  private Ma2Flavour() {}

  /** True with netCDF-Java 5.x (cdm-core): DataType.UBYTE/USHORT/UINT/ULONG exist, the readers link fully. */
  public static boolean hasUnsignedTypes() {
    return HAS_UNSIGNED_TYPES;
  }

  public static String describe() {
    return BUILD.getProperty("cdm.artifact", "unknown cdm") + (HAS_UNSIGNED_TYPES ? "" : ", no unsigned DataTypes");
  }

  public static Properties build() {
    return BUILD;
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Ma2Flavour.class.getResourceAsStream("/dev/zarrjvm/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException ignored) {
      // build facts are informative only
    }
    return p;
  }
}
