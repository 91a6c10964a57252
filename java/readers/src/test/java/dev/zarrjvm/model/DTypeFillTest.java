package dev.zarrjvm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zarrjvm.errors.MetadataException;
import dev.zarrjvm.errors.UnsupportedException;
import java.math.BigInteger;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;

class DTypeFillTest {
  @Test
  void parsesNumpyAndV3Names() {
    assertEquals("<u2", DType.parseNumpy("<u2").numpy());
    assertEquals("|b1", DType.parseNumpy("|b1").numpy());
    assertEquals(">f8", DType.parseNumpy(">f8").numpy());
    assertEquals("|i1", DType.parseNumpy("<i1").numpy());
    assertEquals("<u8", DType.parseV3("uint64", '<').numpy());
    assertEquals(">i4", DType.parseV3("int32", '>').numpy());
    assertEquals("bool", DType.parseNumpy("|b1").v3Name());
    assertThrows(UnsupportedException.class, () -> DType.parseNumpy("<c8"));
    assertThrows(UnsupportedException.class, () -> DType.parseNumpy("<f2"));
    assertThrows(UnsupportedException.class, () -> DType.parseNumpy("|S10"));
    assertThrows(UnsupportedException.class, () -> DType.parseV3("complex64", '<'));
  }

  @Test
  void twinsAndArrowTypes() {
    assertEquals("<i2", DType.parseNumpy("<u2").signedTwin().numpy());
    assertEquals("|i1", DType.parseNumpy("|b1").signedTwin().numpy());
    assertEquals("<f4", DType.parseNumpy("<f4").signedTwin().numpy());
    assertEquals(new ArrowType.Int(16, false), DType.parseNumpy("<u2").arrowType());
    assertEquals(new ArrowType.Int(8, false), DType.parseNumpy("|b1").arrowType());
    assertEquals(new ArrowType.Int(64, true), DType.parseNumpy(">i8").arrowType());
  }

  private static JsonNode j(String s) {
    return Json.parse(s.getBytes(), "test");
  }

  @Test
  void fillBitsAreExact() {
    DType f4 = DType.parseNumpy("<f4");
    DType f8 = DType.parseNumpy("<f8");
    DType u8 = DType.parseNumpy("<u8");
    DType u1 = DType.parseNumpy("|u1");
    assertEquals((long) Float.floatToRawIntBits(Float.NaN), FillValues.bitsFromJson(j("\"NaN\""), f4));
    assertEquals(Double.doubleToRawLongBits(Double.POSITIVE_INFINITY), FillValues.bitsFromJson(j("\"Infinity\""), f8));
    assertEquals(Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY), FillValues.bitsFromJson(j("\"-Infinity\""), f8));
    assertEquals(0x7fc00001L, FillValues.bitsFromJson(j("\"0x7fc00001\""), f4));
    assertEquals(-1L, FillValues.bitsFromJson(j("18446744073709551615"), u8));
    assertEquals(255L, FillValues.bitsFromJson(j("255"), u1));
    assertEquals(1L, FillValues.bitsFromJson(j("true"), DType.parseNumpy("|b1")));
    assertNull(FillValues.bitsFromJson(j("null"), u1));
    assertEquals(255L, FillValues.bits((byte) -1, u1));
    assertEquals(-1L, FillValues.bits(new BigInteger("18446744073709551615"), u8));
    assertThrows(MetadataException.class, () -> FillValues.bitsFromJson(j("\"NaN\""), u1));
    assertThrows(MetadataException.class, () -> FillValues.bitsFromJson(j("1.5"), u1));
  }
}
