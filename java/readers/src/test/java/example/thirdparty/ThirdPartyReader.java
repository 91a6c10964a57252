package example.thirdparty;

/** Stands for a third-party reader (its frames are not zarrjvm's): it fails on data it cannot decode. */
public final class ThirdPartyReader {
  private ThirdPartyReader() {}

  /** Fails the way readers do on damaged input: a NullPointerException from inside the reader. */
  public static ucar.ma2.Array decode(String chunk) {
    Object missing = null;
    return ucar.ma2.Array.factory(missing.getClass(), new int[] {1});
  }
}
