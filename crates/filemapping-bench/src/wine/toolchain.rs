//! What the `--wine` run needs from the machine, and the workers' builds: `cc`,
//! `x86_64-w64-mingw32-gcc` and `wine` on `PATH`, `libfilemapping_ffi.so` beside this binary,
//! and a temporary directory that the builds go to and that is removed, whatever happens.

use super::cases::Impl;
use crate::error::{BenchError, Result};
use crate::workspace::sweep_dead;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The C compiler for the Linux builds.
pub const CC: &str = "cc";
/// The C compiler for the Windows build.
pub const MINGW: &str = "x86_64-w64-mingw32-gcc";
/// The Windows build's runner.
pub const WINE: &str = "wine";
/// The C API's shared library.
pub const LIBRARY: &str = "libfilemapping_ffi.so";
/// The start of the builds' temporary directories: `fmbench-wine-<pid>-<n>`.
const BUILD_PREFIX: &str = "fmbench-wine-";
/// Every build's flags: the C code must compile warning-free in all four forms.
const CFLAGS: [&str; 5] = ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror"];

/// The worker's source.
pub fn source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("c/win32_worker.c")
}

/// The directory of `filemapping.h`.
pub fn include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../filemapping-ffi/include")
}

/// The programs and the library, found.
#[derive(Clone, Debug)]
pub struct Toolchain {
    /// `cc`.
    pub cc: PathBuf,
    /// `x86_64-w64-mingw32-gcc`.
    pub mingw: PathBuf,
    /// `wine`.
    pub wine: PathBuf,
    /// `libfilemapping_ffi.so`.
    pub library: PathBuf,
}

impl Toolchain {
    /// Finds the compilers and Wine on `PATH` and the library beside `exe` (this binary).
    ///
    /// # Errors
    ///
    /// Naming the Debian packages of whatever program is missing, or how to build the library.
    pub fn find(exe: &Path) -> Result<Toolchain> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let tools = [(CC, "gcc"), (MINGW, "gcc-mingw-w64-x86-64"), (WINE, "wine")]
            .map(|(program, package)| (program, package, on_path(program, &path)));
        let missing: Vec<(&str, &str)> = tools
            .iter()
            .filter(|(_, _, found)| found.is_none())
            .map(|&(program, package, _)| (program, package))
            .collect();
        if !missing.is_empty() {
            return Err(BenchError::new(missing_tools(&missing)));
        }
        let [cc, mingw, wine] = tools.map(|(_, _, found)| found.expect("checked above"));
        let library = library_beside(exe)?;
        Ok(Toolchain {
            cc,
            mingw,
            wine,
            library,
        })
    }

    /// Wine's version line (`wine-8.0 (Debian 8.0~repack-4)`), or `unknown` if it will not say.
    pub fn wine_version(&self) -> String {
        let out = Command::new(&self.wine)
            .arg("--version")
            .env("WINEDEBUG", "-all")
            .stderr(Stdio::null())
            .output();
        out.ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
            .unwrap_or_else(|| "unknown".into())
    }

    /// The compiler command that builds `imp`'s worker as `out`.
    pub fn compile_command(&self, imp: Impl, out: &Path) -> Command {
        let compiler = if imp == Impl::Wine {
            &self.mingw
        } else {
            &self.cc
        };
        let mut command = Command::new(compiler);
        command.args(CFLAGS).args(imp.defines());
        if imp == Impl::Ffi {
            let dir = self.library.parent().unwrap_or(Path::new("."));
            command.arg("-I").arg(include_dir());
            command
                .arg(source())
                .arg("-L")
                .arg(dir)
                .arg("-lfilemapping_ffi");
            command.arg(format!("-Wl,-rpath,{}", dir.display()));
        } else {
            command.arg(source());
        }
        command.arg("-o").arg(out);
        command
    }

    /// Builds every implementation's worker into `dir`, all compilers at once.
    ///
    /// # Errors
    ///
    /// The first build that failed, with the compiler's messages.
    pub fn compile_all(&self, dir: &BuildDir) -> Result<Vec<(Impl, PathBuf)>> {
        let mut builds: Vec<(Impl, PathBuf, Child)> = Vec::new();
        for imp in Impl::ALL {
            let out = dir.path().join(binary_name(imp));
            let child = self
                .compile_command(imp, &out)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| BenchError::new(format!("cannot run the compiler: {e}")))?;
            builds.push((imp, out, child));
        }
        let mut binaries = Vec::new();
        let mut failure = None;
        for (imp, out, child) in builds {
            let done = child.wait_with_output()?;
            if done.status.success() {
                binaries.push((imp, out));
            } else if failure.is_none() {
                let messages = String::from_utf8_lossy(&done.stderr);
                failure = Some(format!(
                    "building the {} worker failed ({}):\n{messages}",
                    imp.label(),
                    done.status
                ));
            }
        }
        failure.map_or(Ok(binaries), |why| Err(BenchError::new(why)))
    }
}

fn binary_name(imp: Impl) -> &'static str {
    match imp {
        Impl::Wine => "win32-worker.exe",
        Impl::Ffi => "ffi-worker",
        Impl::Floor => "floor-worker",
        Impl::FloorFallocate => "floor-fallocate-worker",
    }
}

/// The first executable file named `program` in the directories of `path` (a `PATH` value).
pub fn on_path(program: &str, path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn missing_tools(missing: &[(&str, &str)]) -> String {
    let programs: Vec<&str> = missing.iter().map(|(program, _)| *program).collect();
    let packages: Vec<&str> = missing.iter().map(|(_, package)| *package).collect();
    format!(
        "--wine needs {} on PATH: install the Debian package{} {} (apt-get install {})",
        programs.join(", "),
        if packages.len() > 1 { "s" } else { "" },
        packages.join(", "),
        packages.join(" ")
    )
}

/// `libfilemapping_ffi.so` beside `exe`: in `deps/`, where cargo builds it together with this
/// binary (the bench depends on `filemapping-ffi`), else where `cargo build -p
/// filemapping-ffi` puts a copy (`target/<profile>`, which may be older).
///
/// # Errors
///
/// If neither exists, saying how to build it.
pub fn library_beside(exe: &Path) -> Result<PathBuf> {
    let dir = exe.parent().unwrap_or(Path::new("."));
    let candidates = [dir.join("deps").join(LIBRARY), dir.join(LIBRARY)];
    candidates
        .iter()
        .find(|candidate| candidate.is_file())
        .cloned()
        .ok_or_else(|| {
            BenchError::new(format!(
                "--wine needs {LIBRARY} in {} or its deps/: run `cargo build --release -p \
                 filemapping-ffi` (or without --release for a debug build of the bench)",
                dir.display()
            ))
        })
}

/// A fresh temporary directory, removed with everything in it when this drops.
#[derive(Debug)]
pub struct BuildDir(PathBuf);

impl BuildDir {
    /// Creates `fmbench-wine-<pid>-<n>` in the system's temporary directory, after removing
    /// those of runs that were killed.
    ///
    /// # Errors
    ///
    /// If it cannot be created.
    pub fn create() -> Result<BuildDir> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let temp = std::env::temp_dir();
        sweep_dead(&temp, BUILD_PREFIX);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path = temp.join(format!("{BUILD_PREFIX}{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path)
            .map_err(|e| BenchError::new(format!("{}: {e}", path.display())))?;
        Ok(BuildDir(path))
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for BuildDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_found_on_path_only_if_executable() {
        let dir = BuildDir::create().unwrap();
        let tool = dir.path().join("tool");
        std::fs::write(&tool, "#!/bin/sh\n").unwrap();
        let path = std::env::join_paths([Path::new("/nonexistent"), dir.path()]).unwrap();
        assert_eq!(on_path("tool", &path), None, "not executable yet");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(on_path("tool", &path), Some(tool));
        assert_eq!(on_path("other", &path), None);
        let kept = dir.path().to_path_buf();
        drop(dir);
        assert!(!kept.exists(), "the build directory is removed on drop");
    }

    #[test]
    fn missing_programs_name_their_packages() {
        let one = missing_tools(&[(WINE, "wine")]);
        assert!(one.contains("Debian package wine "), "{one}");
        let two = missing_tools(&[(CC, "gcc"), (MINGW, "gcc-mingw-w64-x86-64")]);
        assert!(
            two.contains("apt-get install gcc gcc-mingw-w64-x86-64"),
            "{two}"
        );
    }

    #[test]
    fn a_missing_library_says_how_to_build_it() {
        let dir = BuildDir::create().unwrap();
        let err = library_beside(&dir.path().join("filemapping-bench")).unwrap_err();
        assert!(
            err.0.contains("cargo build --release -p filemapping-ffi"),
            "{err}"
        );
        std::fs::create_dir(dir.path().join("deps")).unwrap();
        std::fs::write(dir.path().join(LIBRARY), "").unwrap();
        let found = library_beside(&dir.path().join("filemapping-bench")).unwrap();
        assert_eq!(found, dir.path().join(LIBRARY));
        std::fs::write(dir.path().join("deps").join(LIBRARY), "").unwrap();
        let found = library_beside(&dir.path().join("filemapping-bench")).unwrap();
        assert_eq!(found, dir.path().join("deps").join(LIBRARY));
    }
}
