#!/usr/bin/env bash
# Cross-compiles the library and its portable tests for x86_64-pc-windows-gnu with Debian's
# rustc 1.63 and runs them under Wine. Exits non-zero on any failure.
#
# Debian's cargo cannot reach the registry nor parse newer manifests and lockfiles, so the
# dependencies are vendored by the modern cargo first and the library is built from a minimal
# manifest, offline.
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

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$top/crates/filemapping/src" "$work/src"
mkdir -p "$work/tests"
cp "$top/crates/filemapping/tests/behaviour.rs" "$work/tests/"
libc_req=$(sed -n 's/^libc = \(".*"\)$/\1/p' "$top/Cargo.toml")
cat > "$work/Cargo.toml" <<TOML
[package]
name = "filemapping"
version = "0.0.0"
edition = "2021"

[target.'cfg(unix)'.dependencies]
libc = $libc_req

[target.'cfg(windows)'.dependencies]
windows-sys = { version = "0.59", features = ["Win32_Foundation", "Win32_Security", "Win32_Storage_FileSystem", "Win32_System_Memory", "Win32_System_Threading"] }
TOML
(cd "$work" && cargo vendor -q vendor >/dev/null)
rm -f "$work/Cargo.lock"
mkdir -p "$work/.cargo"
cat > "$work/.cargo/config.toml" <<'TOML'
[source.crates-io]
replace-with = "vendored-sources"
[source.vendored-sources]
directory = "vendor"
TOML

x86_64-w64-mingw32-gcc -O2 -o "$work/interop.exe" "$top/crates/filemapping/tests/c/interop.c"
export FILEMAPPING_INTEROP_EXE="$work/interop.exe"
export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all FILEMAPPING_UNDER_WINE=1
wineboot --init >/dev/null 2>&1 || true
cd "$work"
export RUSTC=/usr/bin/rustc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
RUSTFLAGS="-D warnings -D unsafe_op_in_unsafe_fn" /usr/bin/cargo test --offline --target x86_64-pc-windows-gnu --lib --tests -- --test-threads=1 "$@"
