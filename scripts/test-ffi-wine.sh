#!/usr/bin/env bash
# The C porting layer against Windows: compiles the same C test sources
# (crates/filemapping-ffi/tests/c/*.c) twice -- with x86_64-w64-mingw32-gcc against the real
# <windows.h>, run under Wine (the reference), and with cc against our filemapping.h and
# libfilemapping_ffi.so, run on Linux -- and diffs the two outputs. The Linux output must also
# equal the checked-in <name>.expected. Exits non-zero if anything differs or fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src="$top/crates/filemapping-ffi/tests/c"
programs=(header conformance api events virtual sync ring image inherit calls waits)

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

. "$top/scripts/scratch.sh"
scratch_dir work
export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all
wineboot --init >/dev/null 2>&1 || true

# The image program's DLLs (SEC_IMAGE), built now, never committed; the same files for both runs.
dlls="$work/dlls"
mkdir -p "$dlls"
# The layout DLLs keep their own base (no DYNAMIC_BASE), so that their bytes compare;
# image-dynamic.dll is relocated for a base the system picks.
dll_src="$top/crates/filemapping/tests/image/image_dll.c"
fixed=(-Wl,--disable-dynamicbase)
x86_64-w64-mingw32-gcc -shared -O2 -s "${fixed[@]}" "$dll_src" -o "$dlls/image-basic.dll"
x86_64-w64-mingw32-gcc -shared -O2 -s "${fixed[@]}" -DBSS_SIZE=0x800000 "$dll_src" \
  -o "$dlls/image-bss.dll"
x86_64-w64-mingw32-gcc -shared -O2 -s "${fixed[@]}" -Wl,--file-alignment,0x1000 \
  -Wl,--section-alignment,0x10000 "$dll_src" -o "$dlls/image-align.dll"
x86_64-w64-mingw32-gcc -shared -O2 -s -Wl,--dynamicbase "$dll_src" -o "$dlls/image-dynamic.dll"

status=0
for name in "${programs[@]}"; do
  dir="$work/$name"
  mkdir -p "$dir/linux/ns" "$dir/wine"
  if [ "$name" = image ]; then cp "$dlls"/*.dll "$dir/linux/"; cp "$dlls"/*.dll "$dir/wine/"; fi
  cc -std=c11 -Wall -Wextra -Werror -I "$top/crates/filemapping-ffi/include" "$src/$name.c" \
    -L "$lib" -lfilemapping_ffi -Wl,-rpath,"$lib" -lpthread -ldl -lm -o "$dir/$name"
  x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror "$src/$name.c" -o "$dir/$name.exe"

  (cd "$dir/linux" && FILEMAPPING_DIR="$dir/linux/ns" timeout 300 "$dir/$name") \
    >"$dir/linux.out" 2>"$dir/linux.err" || { echo "$name: the Linux build failed"; status=1; }
  # Wine writes CRLF line ends; its stderr carries the rows skipped because Wine differs from
  # Windows (spec §13; "skipped: row <row>: Wine quirk: <why>", see tests/c/README.md).
  (cd "$dir/wine" && timeout 300 wine "$dir/$name.exe") 2>"$dir/wine.err" \
    | tr -d '\r' >"$dir/wine.out" || { echo "$name: the Wine build failed"; status=1; }
  grep -h "Wine quirk" "$dir/wine.err" | tr -d '\r' | sed "s/^/$name: /" || true

  if diff -u "$dir/wine.out" "$dir/linux.out" >"$dir/diff"; then
    echo "$name: Linux and Wine agree ($(wc -l <"$dir/linux.out") lines)"
  else
    echo "$name: Linux (+) differs from Wine (-):"
    cat "$dir/diff"
    status=1
  fi
  # The image program's hashes depend on the MinGW build of its DLLs: Wine's output checks
  # them; the expected file has the rest.
  if [ "$name" = image ]; then sed -i.hashes 's/ hash [0-9]*//' "$dir/linux.out"; fi
  if ! diff -u "$src/$name.expected" "$dir/linux.out"; then
    echo "$name: the Linux output differs from $name.expected"
    status=1
  fi
done

# The generic-text programs (tchar.h, TCHAR, the undecorated names), each built twice: narrow and
# with -DUNICODE -D_UNICODE (mingw: and -municode, for wmain). The Windows builds use Microsoft's
# own printf (__USE_MINGW_ANSI_STDIO=0): its wide %s takes a wide string, which is what TCHAR code
# relies on, while mingw's C99 printf reads a narrow one. Both builds print ASCII only, so the
# bytes compare (Wine writes wide output in the ANSI code page, we write UTF-8).
mode_flags() { if [ "$1" = unicode ]; then echo "-DUNICODE -D_UNICODE"; fi; }
build_generic() { # <program> <mode> <dir>
  local flags
  flags=$(mode_flags "$2")
  # shellcheck disable=SC2086 # flags is a list of words
  cc -std=c11 -Wall -Wextra -Werror $flags -I "$top/crates/filemapping-ffi/include" "$src/$1.c" \
    -L "$lib" -lfilemapping_ffi -Wl,-rpath,"$lib" -lpthread -ldl -lm -o "$3/$1"
  # shellcheck disable=SC2086
  x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -D__USE_MINGW_ANSI_STDIO=0 $flags \
    ${flags:+-municode} "$src/$1.c" -o "$3/$1.exe"
}
compare() { # <label> <dir> <expected file>
  if diff -u "$2/wine.out" "$2/linux.out" >"$2/diff"; then
    echo "$1: Linux and Wine agree ($(wc -l <"$2/linux.out") lines)"
  else
    echo "$1: Linux (+) differs from Wine (-):"
    cat "$2/diff"
    status=1
  fi
  if ! diff -u "$3" "$2/linux.out"; then
    echo "$1: the Linux output differs from $(basename "$3")"
    status=1
  fi
}

for mode in narrow unicode; do
  dir="$work/generic-$mode"
  mkdir -p "$dir/linux/ns" "$dir/wine"
  build_generic generic "$mode" "$dir"
  (cd "$dir/linux" && FILEMAPPING_DIR="$dir/linux/ns" timeout 300 "$dir/generic") \
    >"$dir/linux.out" || { echo "generic ($mode): the Linux build failed"; status=1; }
  (cd "$dir/wine" && timeout 300 wine "$dir/generic.exe") | tr -d '\r' >"$dir/wine.out" \
    || { echo "generic ($mode): the Wine build failed"; status=1; }
  expected="$src/generic.expected"
  [ "$mode" = unicode ] && expected="$src/generic-unicode.expected"
  compare "generic ($mode)" "$dir" "$expected"
done

# The documentation's two-process sample (shm_server.c, shm_client.c): the server creates the
# named mapping, writes its message, prints a line and waits for a line of input; meanwhile the
# client opens the mapping and prints the message; then the server gets its line, closes and
# prints; last, the client runs again and finds no object. Run <platform> <dir>: prints the four
# parts in that order (Wine's with CRLF line ends: the caller strips them; a pipe here would
# hold back the server's first line).
run_program() { # <platform> <dir> <program>
  if [ "$1" = linux ]; then
    (cd "$2/linux" && FILEMAPPING_DIR="$2/linux/ns" timeout 300 "$2/$3")
  else
    (cd "$2/wine" && timeout 300 wine "$2/$3.exe")
  fi
}
run_sample() { # <platform> <dir>
  local fifo="$2/$1/input" server pid i
  server="$2/$1/server.out"
  mkfifo "$fifo"
  exec 3<>"$fifo"
  run_program "$1" "$2" shm_server <&3 >"$server" &
  pid=$!
  for i in $(seq 600); do
    grep -q . "$server" && break
    sleep 0.1
  done
  head -n 1 "$server"
  run_program "$1" "$2" shm_client || echo "(the client failed: $?)"
  echo >&3
  wait "$pid" || echo "(the server failed)"
  exec 3>&-
  tail -n +2 "$server"
  run_program "$1" "$2" shm_client || true
}
for mode in narrow unicode; do
  dir="$work/sample-$mode"
  mkdir -p "$dir/linux/ns" "$dir/wine"
  build_generic shm_server "$mode" "$dir"
  build_generic shm_client "$mode" "$dir"
  run_sample linux "$dir" >"$dir/linux.out"
  run_sample wine "$dir" | tr -d '\r' >"$dir/wine.out"
  compare "the shared-memory sample ($mode)" "$dir" "$src/shm_sample.expected"
done
exit $status
