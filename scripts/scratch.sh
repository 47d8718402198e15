# Sourced by the Wine scripts: a scratch directory that is removed when the script ends, after
# the Wine server of its prefix has stopped (a server still writing into the prefix would make
# the removal fail). The script's own exit status is kept.
# Usage: scratch_dir VAR   (sets VAR to the new directory and installs the EXIT trap)
scratch_dir() {
  local dir
  dir=$(mktemp -d)
  printf -v "$1" '%s' "$dir"
  SCRATCH_DIR=$dir
  trap 'status=$?; remove_scratch; exit $status' EXIT
}

remove_scratch() {
  if [ -d "$SCRATCH_DIR/wineprefix" ] && command -v wineserver >/dev/null 2>&1; then
    WINEPREFIX="$SCRATCH_DIR/wineprefix" wineserver -k >/dev/null 2>&1 || true
    WINEPREFIX="$SCRATCH_DIR/wineprefix" wineserver -w >/dev/null 2>&1 || true
  fi
  rm -rf "$SCRATCH_DIR" 2>/dev/null || { sleep 1; rm -rf "$SCRATCH_DIR" || true; }
}
