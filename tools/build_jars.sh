#!/usr/bin/env bash
# Builds everything the Python package carries in zarrjvm/_jars: jzarr's native blosc, then the Maven project
# (zarrjvm's jar + its runtime dependencies). MAVEN_PROFILE=unidata switches to netCDF-Java 5.x (cdm-core).
# Usage: tools/build_jars.sh [python]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${1:-python3}"
bash "$ROOT/tools/build_blosc.sh" "$PY"
rm -rf "$ROOT/zarrjvm/_jars"
PROFILE_ARGS=()
if [ -n "${MAVEN_PROFILE:-}" ]; then PROFILE_ARGS=(-P "$MAVEN_PROFILE"); fi
mvn -q -B "${PROFILE_ARGS[@]}" -f "$ROOT/java/pom.xml" -DskipTests package
