#!/usr/bin/env bash
# Builds libdeflate's decompression side as libzarrjvm_deflate.so for zarrjvm's native zlib/gzip decoding
# (dev.zarrjvm.codec.Libdeflate, through JNA, which finds "<os>-<arch>/libzarrjvm_deflate.so" on the classpath). The
# zarrjvm-specific name keeps it from clashing with any libdeflate on Spark's or Hadoop's classpath. libdeflate
# decompresses a whole buffer of known output size (a Zarr chunk's decoded size is always known) about twice as fast
# as zlib; without this library zarrjvm falls back to the JDK's Inflater, so a failed build only costs speed.
#
# Source: libdeflate as vendored in the `deflate` sdist on the package index (libdeflate/lib/*.c), compiled with gcc: the
# decompressors, adler32, crc32, utils and the CPU feature detection (no compressor). Idempotent: does nothing when
# the library is already there. Usage: tools/build_deflate.sh [python]
set -euo pipefail

PY="${1:-python3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEFLATE_PY_VERSION="0.9.0"

# shellcheck source=tools/native_lib.sh
source "$ROOT/tools/native_lib.sh"
native_prefix build_deflate "zlib/gzip decode through the JDK's Inflater"

OUT="$ROOT/build/native/$PREFIX/libzarrjvm_deflate.so"
if [ -s "$OUT" ]; then
  exit 0
fi
CC="${CC:-gcc}"
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "build_deflate: $CC not found; zlib/gzip decode through the JDK's Inflater" >&2
  exit 0
fi

WORK="$ROOT/build/deflate"
mkdir -p "$WORK" "$(dirname "$OUT")"
if ! fetch_sdist "$PY" deflate "$DEFLATE_PY_VERSION" "$WORK"; then
  echo "build_deflate: could not download the deflate sdist; zlib/gzip decode through the JDK's Inflater" >&2
  exit 0
fi
LIB="$WORK/src/deflate-$DEFLATE_PY_VERSION/libdeflate/lib"
# the one symbol zarrjvm adds: the version of the libdeflate built, for the arrays' notes
cat >"$WORK/zarrjvm_version.c" <<'C'
#include "libdeflate.h"
__attribute__((visibility("default"))) const char *zarrjvm_libdeflate_version(void) {
  return LIBDEFLATE_VERSION_STRING;
}
C
SOURCES=("$WORK/zarrjvm_version.c" "$LIB/deflate_decompress.c" "$LIB/zlib_decompress.c" "$LIB/gzip_decompress.c" "$LIB/adler32.c"
         "$LIB/crc32.c" "$LIB/utils.c" "$LIB/x86/cpu_features.c" "$LIB/arm/cpu_features.c")
# only the libdeflate_* API is exported (libdeflate.h marks it); each cpu_features.c compiles to nothing elsewhere
if ! "$CC" -O2 -I"$LIB/.." -fPIC -shared -fvisibility=hidden -Wl,-soname,libzarrjvm_deflate.so -Wl,--no-undefined \
    -o "$OUT.tmp" "${SOURCES[@]}" >"$WORK/build.log" 2>&1; then
  rm -f "$OUT.tmp"
  echo "build_deflate: the build failed (see $WORK/build.log); zlib/gzip decode through the JDK's Inflater" >&2
  exit 0
fi
mv "$OUT.tmp" "$OUT"
echo "build_deflate: built $OUT"
