//! Gives the shared library its SONAME on Linux, `libfilemapping_ffi.so.<major version>`, so
//! that programs linked against it record that name (not the path they were linked with) and
//! an installed copy can be upgraded in place (`scripts/install-ffi.sh` installs it as
//! `libfilemapping_ffi.so.<version>` with the `.so.<major>` and `.so` links).
//!
//! A program linked against the library in the build tree (`-L target/release
//! -lfilemapping_ffi -Wl,-rpath,...`) then looks for `libfilemapping_ffi.so.<major>` there when it
//! starts, so this script also puts that name, a symbolic link to `libfilemapping_ffi.so`, in
//! `target/<profile>` and `target/<profile>/deps` (the directories three levels above its
//! `OUT_DIR`); the link is made once and points at whatever cargo links there.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
    let soname = format!("libfilemapping_ffi.so.{major}");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    link_in_build_tree(&soname);
}

#[cfg(unix)]
fn link_in_build_tree(soname: &str) {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let Some(profile) = out.ancestors().nth(3) else {
        return;
    };
    for dir in [profile.to_path_buf(), profile.join("deps")] {
        let link = dir.join(soname);
        if dir.is_dir() && std::fs::symlink_metadata(&link).is_err() {
            // Best effort: a build tree without the link only fails programs that rely on it.
            let _ = std::os::unix::fs::symlink("libfilemapping_ffi.so", &link);
        }
    }
}

#[cfg(not(unix))]
fn link_in_build_tree(_soname: &str) {}
