package dev.zarrjvm.codec;

import java.lang.ref.Cleaner;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Native codec state kept per thread and reused for every chunk it decodes (a zstd context, a libdeflate
 * decompressor: making one per chunk was measurable), freed by this package's one cleaner once its thread is gone —
 * the state has no finalizer of its own.
 */
final class PerThread {
  private static final Cleaner CLEANER = Cleaner.create();

  private PerThread() {}

  static <T> ThreadLocal<T> of(Supplier<T> make, Consumer<T> free) {
    return ThreadLocal.withInitial(() -> {
      T state = make.get();
      CLEANER.register(Thread.currentThread(), () -> free.accept(state));
      return state;
    });
  }
}
