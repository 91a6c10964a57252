# Sourced by tools/build_blosc.sh and tools/build_deflate.sh: what building a native library for zarrjvm's jar needs
# whatever the library. Not run on its own.

# JNA's resource prefix for this platform ("<os>-<arch>", where JNA looks for a library on the classpath) in PREFIX;
# on a platform with no recipe, says what the reader falls back to ($1: the script's name, $2: the fallback) and ends
# the build script without failing it.
native_prefix() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) PREFIX="linux-x86-64" ;;
    Linux-aarch64) PREFIX="linux-aarch64" ;;
    *) echo "$1: no recipe for $(uname -s)-$(uname -m); $2" >&2
       exit 0 ;;
  esac
}

# The sdist of package $2 at version $3 (its sources only, fetched with pip from the package index) unpacked under
# $4/src, once: nothing happens when $4/src is already there. $1 is the python whose pip fetches it. Returns pip's
# failure, for the caller to decide what a missing source means.
fetch_sdist() {
  local py="$1" name="$2" version="$3" work="$4"
  if [ -d "$work/src" ]; then
    return 0
  fi
  # only this package as source: with ":all:", pip would also build the sdist's build requirements from source
  "$py" -m pip download -q --no-binary "$name" --no-deps "$name==$version" -d "$work/dl" || return
  rm -rf "$work/src.tmp" && mkdir -p "$work/src.tmp"
  tar xzf "$work/dl/$name-$version.tar.gz" -C "$work/src.tmp"
  mv "$work/src.tmp" "$work/src"
}
