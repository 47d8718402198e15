#!/usr/bin/env bash
# Cross-compiles the library and its portable tests for x86_64-pc-windows-gnu with Debian's
# rustc 1.63 and runs them under Wine (see minimal-crate.sh for the offline build). Exits
# non-zero on any failure.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

need=()
for pkg in rustc cargo libstd-rust-dev-windows gcc-mingw-w64-x86-64 wine; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

. "$top/scripts/scratch.sh"
scratch_dir work
. "$top/scripts/minimal-crate.sh"
minimal_crate "$top" "$work"
mkdir -p "$work/tests"
# The portable suites: the scenario-table suite (conformance/), the multi-process tests,
# mutexes and semaphores (sync/), multi-object waits (waits/), access rights (rights.rs), page
# protections (protect.rs), ring buffers (ring.rs), inherited events, mutexes and semaphores
# (inherit_sync.rs), file views whose pages cannot come in (lost_pages.rs), the copies of image
# views (image_copies.rs), and the helpers they share (support/). Linux-only test files are left
# out.
for dir in conformance multiprocess support sync waits rights.rs protect.rs ring.rs \
  inherit_sync.rs lost_pages.rs image_copies.rs; do
  cp -r "$top/crates/filemapping/tests/$dir" "$work/tests/"
done

x86_64-w64-mingw32-gcc -O2 -o "$work/interop.exe" "$top/crates/filemapping/tests/c/interop.c"
export FILEMAPPING_INTEROP_EXE="$work/interop.exe"
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$work/image.dll" \
  "$top/crates/filemapping/tests/image/image_dll.c"
export FILEMAPPING_TEST_IMAGE="$work/image.dll"
export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all FILEMAPPING_UNDER_WINE=1
wineboot --init >/dev/null 2>&1 || true
cd "$work"
export RUSTC=/usr/bin/rustc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
# A panic under Wine can crash the test process in a way that still exits 0, so the verdict
# also reads the output: every test binary must report "test result: ok".
log="$work/test.log"
set +e
RUSTFLAGS="-D warnings -D unsafe_op_in_unsafe_fn" /usr/bin/cargo test --offline \
  --target x86_64-pc-windows-gnu --lib --tests -- --test-threads=1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
binaries=$(grep -c '^     Running ' "$log" || true)
passed=$(grep -c '^test result: ok\.' "$log" || true)
if [ "$status" -ne 0 ] || [ "$binaries" -eq 0 ] || [ "$passed" -ne "$binaries" ] \
  || grep -q 'Unhandled exception' "$log"; then
  echo "Wine: FAILED ($passed of $binaries test binaries passed, cargo exit $status)"
  exit 1
fi
total=$(awk '/^test result: ok\./ { sum += $4 } END { print sum + 0 }' "$log")
echo "Wine: all $binaries test binaries passed"
echo "wine: $total passed, 0 failed"
