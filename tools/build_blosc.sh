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

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PREFIX="linux-x86-64" ;;
  Linux-aarch64) PREFIX="linux-aarch64" ;;
  *) echo "build_blosc: no recipe for $(uname -s)-$(uname -m); jzarr's blosc codec will be unavailable" >&2; exit 0 ;;
esac

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
if [ ! -d "$WORK/src" ]; then
  # Only blosc as source: with ":all:", pip would also build the sdist's build requirements (cmake itself) from source
  # to prepare its metadata, which takes most of an hour on a machine without a pip cache.
  "$PY" -m pip download -q --no-binary blosc --no-deps "blosc==$BLOSC_PY_VERSION" -d "$WORK/dl"
  rm -rf "$WORK/src.tmp" && mkdir -p "$WORK/src.tmp"
  tar xzf "$WORK/dl/blosc-$BLOSC_PY_VERSION.tar.gz" -C "$WORK/src.tmp"
  mv "$WORK/src.tmp" "$WORK/src"
fi
CBLOSC="$WORK/src/blosc-$BLOSC_PY_VERSION/blosc/c-blosc"
cmake -S "$CBLOSC" -B "$WORK/cmake" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTS=OFF -DBUILD_BENCHMARKS=OFF \
  -DBUILD_FUZZERS=OFF -DBUILD_STATIC=OFF -DDEACTIVATE_SNAPPY=ON -DPREFER_EXTERNAL_LZ4=OFF \
  -DPREFER_EXTERNAL_ZLIB=OFF -DPREFER_EXTERNAL_ZSTD=OFF >"$WORK/cmake.log" 2>&1
cmake --build "$WORK/cmake" -j "$(nproc 2>/dev/null || echo 2)" >>"$WORK/cmake.log" 2>&1
cp -L "$WORK/cmake/blosc/libblosc.so" "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "build_blosc: built $OUT"
