#!/usr/bin/env bash
# Builds the native c-blosc library jzarr's blosc codec needs (jzarr reaches blosc through JNA, which looks for
# "<os>-<arch>/libblosc.so" on the classpath). Maven packs build/native/ into zarrjvm's jar, so the JVM that zarrjvm
# starts, Spark executors and Maven's own tests all find it without a system package.
#
# Source: c-blosc as vendored in python-blosc's sdist on PyPI (with its own lz4, zlib and zstd), built with cmake.
# Idempotent: does nothing when the library is already there. Usage: tools/build_blosc.sh [python]
set -euo pipefail

PY="${1:-python3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BLOSC_PY_VERSION="1.11.4"

# shellcheck source=tools/native_lib.sh
source "$ROOT/tools/native_lib.sh"
native_prefix build_blosc "jzarr's blosc codec will be unavailable"

OUT="$ROOT/build/native/$PREFIX/libblosc.so"
if [ -s "$OUT" ]; then
  exit 0
fi
if ! command -v cmake >/dev/null 2>&1; then
  echo "build_blosc: cmake not found; jzarr's blosc codec will be unavailable" >&2
  exit 0
fi

WORK="$ROOT/build/blosc"
mkdir -p "$WORK" "$(dirname "$OUT")"
# blosc's build requirements include cmake itself: built from source, that takes most of an hour without a pip cache
fetch_sdist "$PY" blosc "$BLOSC_PY_VERSION" "$WORK"
CBLOSC="$WORK/src/blosc-$BLOSC_PY_VERSION/blosc/c-blosc"
cmake -S "$CBLOSC" -B "$WORK/cmake" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTS=OFF -DBUILD_BENCHMARKS=OFF \
  -DBUILD_FUZZERS=OFF -DBUILD_STATIC=OFF -DDEACTIVATE_SNAPPY=ON -DPREFER_EXTERNAL_LZ4=OFF \
  -DPREFER_EXTERNAL_ZLIB=OFF -DPREFER_EXTERNAL_ZSTD=OFF >"$WORK/cmake.log" 2>&1
cmake --build "$WORK/cmake" -j "$(nproc 2>/dev/null || echo 2)" >>"$WORK/cmake.log" 2>&1
cp -L "$WORK/cmake/blosc/libblosc.so" "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "build_blosc: built $OUT"
