#!/usr/bin/env bash
# Builds the library with Debian's rustc 1.63 (the MSRV) and its cargo (see minimal-crate.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x /usr/bin/rustc ] || [ ! -x /usr/bin/cargo ]; then
  apt-get update -qq
  apt-get install -y -qq rustc cargo
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$top/scripts/minimal-crate.sh"
minimal_crate "$top" "$work"
cd "$work"
RUSTFLAGS="-D warnings -D unsafe_op_in_unsafe_fn" RUSTC=/usr/bin/rustc /usr/bin/cargo build --offline --quiet
echo "MSRV: the library builds with $(/usr/bin/rustc --version)"
