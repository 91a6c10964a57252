package dev.zarrjvm.architecture.injected.arrow;

import dev.zarrjvm.architecture.injected.model.UsesArrow;

/** The other half of the injected cycle: arrow using model, as it may. */
public final class UsesModel {
  /** Uses the layer below. */
  public static int use() {
    return UsesArrow.climb();
  }
}
