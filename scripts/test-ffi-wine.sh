#!/usr/bin/env bash
# The C porting layer against Windows: compiles the same C test sources
# (crates/filemapping-ffi/tests/c/*.c) twice -- with x86_64-w64-mingw32-gcc against the real
# <windows.h>, run under Wine (the reference), and with cc against our filemapping.h and
# libfilemapping_ffi.so, run on Linux -- and diffs the two outputs. The Linux output must also
# equal the checked-in <name>.expected. Exits non-zero if anything differs or fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src="$top/crates/filemapping-ffi/tests/c"
programs=(header conformance api events sync)

need=()
command -v wine >/dev/null 2>&1 || need+=(wine)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64)
command -v cc >/dev/null 2>&1 || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --release -p filemapping-ffi --manifest-path "$top/Cargo.toml"
lib="$top/target/release"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all
wineboot --init >/dev/null 2>&1 || true

status=0
for name in "${programs[@]}"; do
  dir="$work/$name"
  mkdir -p "$dir/linux/ns" "$dir/wine"
  cc -std=c11 -Wall -Wextra -Werror -I "$top/crates/filemapping-ffi/include" "$src/$name.c" \
    -L "$lib" -lfilemapping_ffi -Wl,-rpath,"$lib" -lpthread -ldl -lm -o "$dir/$name"
  x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror "$src/$name.c" -o "$dir/$name.exe"

  (cd "$dir/linux" && FILEMAPPING_DIR="$dir/linux/ns" timeout 300 "$dir/$name") \
    >"$dir/linux.out" 2>"$dir/linux.err" || { echo "$name: the Linux build failed"; status=1; }
  # Wine writes CRLF line ends; its stderr carries the rows skipped because Wine differs from
  # Windows (spec §13).
  (cd "$dir/wine" && timeout 300 wine "$dir/$name.exe") 2>"$dir/wine.err" \
    | tr -d '\r' >"$dir/wine.out" || { echo "$name: the Wine build failed"; status=1; }
  grep -h "skipped under Wine" "$dir/wine.err" || true

  if diff -u "$dir/wine.out" "$dir/linux.out" >"$dir/diff"; then
    echo "$name: Linux and Wine agree ($(wc -l <"$dir/linux.out") lines)"
  else
    echo "$name: Linux (+) differs from Wine (-):"
    cat "$dir/diff"
    status=1
  fi
  if ! diff -u "$src/$name.expected" "$dir/linux.out"; then
    echo "$name: the Linux output differs from $name.expected"
    status=1
  fi
done
exit $status
