#!/usr/bin/env bash
# Installs the C porting layer (crates/filemapping-ffi) under a prefix:
#
#   PREFIX/lib/libfilemapping_ffi.so.<version>     the shared library (SONAME libfilemapping_ffi.so.<major>)
#   PREFIX/lib/libfilemapping_ffi.so.<major>       -> libfilemapping_ffi.so.<version>
#   PREFIX/lib/libfilemapping_ffi.so               -> libfilemapping_ffi.so.<major> (for -l at link time)
#   PREFIX/lib/libfilemapping_ffi.a                the static library
#   PREFIX/include/filemapping/filemapping.h       the headers, in a directory of their own (tchar.h
#   PREFIX/include/filemapping/tchar.h             must not land in PREFIX/include itself)
#   PREFIX/lib/pkgconfig/filemapping_ffi.pc        Cflags -I PREFIX/include/filemapping, Libs -lfilemapping_ffi
#
# Usage: scripts/install-ffi.sh [--lib-dir DIR] PREFIX
#   Builds the release libraries first, unless --lib-dir names a directory that holds built ones
#   (libfilemapping_ffi.so and .a). PREFIX must be absolute; DESTDIR, if set, is put in front of
#   it for staged installs (the .pc file still says PREFIX).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
crate="$top/crates/filemapping-ffi"

built=""
if [ "${1:-}" = --lib-dir ]; then
  built=${2:?--lib-dir needs a directory}
  shift 2
fi
if [ $# -ne 1 ] || [ "${1#/}" = "$1" ]; then
  echo "usage: $0 [--lib-dir DIR] /absolute/prefix" >&2
  exit 2
fi
prefix=${1%/}

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$crate/Cargo.toml" | head -n 1)
major=${version%%.*}
if [ -z "$built" ]; then
  cargo build --release -p filemapping-ffi --manifest-path "$top/Cargo.toml"
  built="$top/target/release"
fi

dest="${DESTDIR:-}$prefix"
install -d "$dest/lib/pkgconfig" "$dest/include/filemapping"
install -m 755 "$built/libfilemapping_ffi.so" "$dest/lib/libfilemapping_ffi.so.$version"
ln -sfn "libfilemapping_ffi.so.$version" "$dest/lib/libfilemapping_ffi.so.$major"
ln -sfn "libfilemapping_ffi.so.$major" "$dest/lib/libfilemapping_ffi.so"
install -m 644 "$built/libfilemapping_ffi.a" "$dest/lib/libfilemapping_ffi.a"
install -m 644 "$crate/include/filemapping.h" "$crate/include/tchar.h" "$dest/include/filemapping/"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" "$crate/filemapping_ffi.pc.in" \
  >"$dest/lib/pkgconfig/filemapping_ffi.pc"
chmod 644 "$dest/lib/pkgconfig/filemapping_ffi.pc"
echo "installed filemapping_ffi $version under $dest"
