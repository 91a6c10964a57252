#!/usr/bin/env bash
# Builds the Java side and copies what the zarrjvm package carries into zarrjvm/_jars:
#   _jars/*.jar          the readers' jar and its runtime dependencies: the classpath zarrjvm's JVM starts with
#   _jars/compat/*.jar   the compatibility matrix's Java writers, loaded on their own class loader by zarrjvm.compat
# The one (shaded) jar zarrjvm hands Spark stays Maven's output, java/spark/target/zarrjvm-spark-<version>.jar: the
# distribution zarrjvm-spark (spark-dist/, the `spark` extra) packages it, never the zarrjvm wheel. --without-spark
# leaves the Spark module out (the zarrjvm wheel's build: no Spark to fetch, nothing to shade).
# Maven builds each module into its own target/ (java/readers, java/spark, java/compat); jzarr's native blosc
# (tools/build_blosc.sh) and libdeflate for the native zlib/gzip decoding (tools/build_deflate.sh) are built first and
# packed into the readers' jar. MAVEN_PROFILE=unidata switches to netCDF-Java 5.x.
# Usage: tools/build_jars.sh [python] [--without-spark]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${1:-python3}"
bash "$ROOT/tools/build_blosc.sh" "$PY"
bash "$ROOT/tools/build_deflate.sh" "$PY"
PROFILE_ARGS=()
if [ -n "${MAVEN_PROFILE:-}" ]; then PROFILE_ARGS=(-P "$MAVEN_PROFILE"); fi
MODULES=()
if [ "${2:-}" = "--without-spark" ]; then MODULES=(-pl readers,compat -am); fi
# copy-dependencies never deletes: a dependency dropped from the poms must not linger in target/lib
rm -rf "$ROOT/java/readers/target/lib"
# the shade plugin shades the module's jar of the previous build again when nothing in java/spark changed (the jar
# plugin leaves it "up to date"): its stale copies of the readers' classes then win over the new ones
if [ ${#MODULES[@]} -eq 0 ]; then rm -f "$ROOT"/java/spark/target/*.jar; fi
mvn -q -B "${PROFILE_ARGS[@]}" "${MODULES[@]}" -f "$ROOT/java/pom.xml" -DskipTests package
OUT="$ROOT/zarrjvm/_jars"
rm -rf "$OUT"
mkdir -p "$OUT/compat"
J="$ROOT/java"
cp "$J"/readers/target/zarrjvm-readers-*.jar "$J"/readers/target/lib/*.jar "$OUT/"
cp "$J"/compat/target/zarrjvm-compat-*.jar "$OUT/compat/"
