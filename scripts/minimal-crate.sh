# Sourced by check-msrv.sh and test-windows.sh. Debian's cargo (the one that drives rustc 1.63)
# cannot reach the registry, nor parse newer manifests and lockfiles, so:
# `minimal_crate TOP WORK` copies the library into WORK under a minimal manifest and vendors its
# dependencies there with the modern cargo, for an offline build.
minimal_crate() {
  local top=$1 work=$2 libc_req object_dep
  cp -r "$top/crates/filemapping/src" "$work/src"
  libc_req=$(sed -n 's/^libc = \(".*"\)$/\1/p' "$top/Cargo.toml")
  # The PE reader (SEC_IMAGE), exactly as the library's manifest pins it.
  object_dep=$(grep '^object = ' "$top/crates/filemapping/Cargo.toml")
  cat > "$work/Cargo.toml" <<TOML
[package]
name = "filemapping"
version = "0.0.0"
edition = "2021"

[dependencies]
$object_dep

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
}
