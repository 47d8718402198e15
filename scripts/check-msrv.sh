#!/usr/bin/env bash
# Builds the library with Debian's rustc 1.63 (the MSRV) and its cargo, offline from sources
# vendored by the modern cargo, through a minimal manifest that the old cargo can parse.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x /usr/bin/rustc ] || [ ! -x /usr/bin/cargo ]; then
  apt-get update -qq
  apt-get install -y -qq rustc cargo
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$top/crates/filemapping/src" "$work/src"
libc_req=$(sed -n 's/^libc = \(".*"\)$/\1/p' "$top/Cargo.toml")
cat > "$work/Cargo.toml" <<TOML
[package]
name = "filemapping"
version = "0.0.0"
edition = "2021"
[dependencies]
libc = $libc_req
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
cd "$work"
RUSTFLAGS="-D warnings -D unsafe_op_in_unsafe_fn" RUSTC=/usr/bin/rustc /usr/bin/cargo build --offline --quiet
echo "MSRV: the library builds with $(/usr/bin/rustc --version)"
