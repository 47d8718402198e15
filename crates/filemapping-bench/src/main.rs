//! `filemapping-bench`: parses the command line, runs, prints; failures become exit codes
//! (1: the run failed, 2: bad command line). It measures the Linux emulation: elsewhere it only
//! says so.

use std::process::ExitCode;

#[cfg(target_os = "linux")]
fn main() -> ExitCode {
    app::main()
}

#[cfg(not(target_os = "linux"))]
fn main() -> ExitCode {
    eprintln!("filemapping-bench measures the Linux emulation and runs on Linux only");
    ExitCode::FAILURE
}

#[cfg(target_os = "linux")]
mod app {
    use filemapping_bench::cli::{self, Command};
    use filemapping_bench::error::Result;
    use filemapping_bench::options::Options;
    use filemapping_bench::{holders, output, plot, race, wine};
    use std::process::ExitCode;

    pub(crate) fn main() -> ExitCode {
        match cli::parse(std::env::args().skip(1)) {
            Ok(Command::Help) => {
                print!("{}", cli::USAGE);
                ExitCode::SUCCESS
            }
            Ok(Command::Worker(args)) => exit(race::work(&args)),
            Ok(Command::Holder(args)) => exit(holders::hold(&args)),
            Ok(Command::Run(options)) => exit(run(&options)),
            Err(message) => {
                eprintln!("filemapping-bench: {message}\n\n{}", cli::USAGE);
                ExitCode::from(2)
            }
        }
    }

    fn run(options: &Options) -> Result<()> {
        if options.wine {
            return run_wine(options);
        }
        let report = filemapping_bench::run(options, std::env::current_exe()?)?;
        if options.json {
            println!("{}", output::json(&report));
        } else {
            print!("{}", output::table(&report));
        }
        if let Some(path) = &options.plot {
            plot::write_svg(&report, path)?;
        }
        Ok(())
    }

    fn run_wine(options: &Options) -> Result<()> {
        let report = wine::run(options, &std::env::current_exe()?)?;
        if options.json {
            println!("{}", wine::report::json(&report));
        } else {
            print!("{}", wine::report::table(&report));
        }
        Ok(())
    }

    fn exit(result: Result<()>) -> ExitCode {
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("filemapping-bench: {e}");
                ExitCode::FAILURE
            }
        }
    }
}
