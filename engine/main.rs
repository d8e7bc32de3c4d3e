//! The `henko` binary: parses arguments, runs, maps the outcome to an exit code.
use std::process::ExitCode;

// Plans allocate many short-lived lines and tree nodes on every worker
// thread; mimalloc's thread-local free lists cut the allocator's share of a
// 12k-line IOS plan (about a fifth of the time with glibc's malloc, see
// benches/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    henko::cli::main()
}
