#!/usr/bin/env bash
# Usage: scripts/fuzz.sh [SECONDS [TARGET...]]
# Runs each fuzz target (fuzz/), or the TARGETs named, for SECONDS (default 60) with cargo-fuzz
# on nightly, starting from its corpus in fuzz/corpus/<target>/ (new inputs go to a scratch
# copy, not the checkout). Without nightly or cargo-fuzz, runs the corpora through the stable
# harness instead.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
shift || true
cd "$top"
if cargo +nightly --version >/dev/null 2>&1 && cargo +nightly fuzz --version >/dev/null 2>&1; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  cd fuzz
  # Known, bounded allocations that are never freed by design (see the file).
  export LSAN_OPTIONS="suppressions=$top/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
  targets=("$@")
  if [ ${#targets[@]} -eq 0 ]; then
    read -r -a targets <<< "$(cargo +nightly fuzz list | tr '\n' ' ')"
  fi
  for target in "${targets[@]}"; do
    echo "== fuzz $target for ${secs}s"
    mkdir -p "$scratch/$target"
    cp -r "corpus/$target/." "$scratch/$target/"
    cargo +nightly fuzz run "$target" "$scratch/$target" -- -max_total_time="$secs" -max_len=8192 -rss_limit_mb=2048
  done
else
  echo "fuzz: no nightly toolchain with cargo-fuzz; running the corpora on stable"
  cargo test -p filemapping --test fuzz_corpus
  cargo test -p filemapping-ffi --test fuzz_ffi
fi
