package dev.zarrjvm.architecture.injected.model;

import dev.zarrjvm.architecture.injected.arrow.UsesModel;

/** An injected layering fault for ArchitectureTest: the model layer using the arrow layer above it. */
public final class UsesArrow {
  /** Climbs up a layer. */
  public static int climb() {
    return UsesModel.class.getName().length();
  }
}
