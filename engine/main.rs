//! The `henko` binary: parses arguments, runs, maps the outcome to an exit code.
use std::process::ExitCode;

fn main() -> ExitCode {
    henko::cli::main()
}
