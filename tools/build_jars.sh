#!/usr/bin/env bash
# Builds the Java side and copies what the Python package carries into zarrjvm/_jars:
#   _jars/*.jar          the readers' jar and its runtime dependencies: the classpath zarrjvm's JVM starts with
#   _jars/spark/*.jar    the one (shaded) jar zarrjvm hands Spark
#   _jars/compat/*.jar   the compatibility matrix's Java writers, loaded on their own class loader by zarrjvm.compat
# Maven builds each module into its own target/ (java/readers, java/spark, java/compat); jzarr's native blosc is built
# first (tools/build_blosc.sh) and packed into the readers' jar. MAVEN_PROFILE=unidata switches to netCDF-Java 5.x.
# Usage: tools/build_jars.sh [python]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${1:-python3}"
bash "$ROOT/tools/build_blosc.sh" "$PY"
PROFILE_ARGS=()
if [ -n "${MAVEN_PROFILE:-}" ]; then PROFILE_ARGS=(-P "$MAVEN_PROFILE"); fi
# copy-dependencies never deletes: a dependency dropped from the poms must not linger in target/lib
rm -rf "$ROOT/java/readers/target/lib"
# the shade plugin shades the module's jar of the previous build again when nothing in java/spark changed (the jar
# plugin leaves it "up to date"): its stale copies of the readers' classes then win over the new ones
rm -f "$ROOT"/java/spark/target/*.jar
mvn -q -B "${PROFILE_ARGS[@]}" -f "$ROOT/java/pom.xml" -DskipTests package
OUT="$ROOT/zarrjvm/_jars"
rm -rf "$OUT"
mkdir -p "$OUT/spark" "$OUT/compat"
J="$ROOT/java"
cp "$J"/readers/target/zarrjvm-readers-*.jar "$J"/readers/target/lib/*.jar "$OUT/"
cp "$J"/spark/target/zarrjvm-spark-*.jar "$OUT/spark/"
rm -f "$OUT"/spark/original-*.jar
cp "$J"/compat/target/zarrjvm-compat-*.jar "$OUT/compat/"
