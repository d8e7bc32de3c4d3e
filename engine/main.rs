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

/// Runs [`no_transparent_huge_pages`] as the program is loaded: the
/// loader calls `.init_array` entries before Rust's runtime starts, so the
/// runtime's first allocations already get small pages. Called from `main`
/// instead, two huge pages had been faulted in by then (2.5 ms of CPU per
/// run, benches/README.md). Whether mimalloc's own constructor runs before
/// or after this one is the linker's choice; either way its memory is
/// faulted in when first touched, and the flag is read then.
// Allowed: a link section is outside what the compiler checks. The entry
// runs before the runtime exists, so it must not allocate, panic or touch
// std; it makes one system call with integer arguments.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
#[used]
#[link_section = ".init_array"]
static NO_THP_AT_LOAD: extern "C" fn() = {
    extern "C" fn at_load() {
        no_transparent_huge_pages();
    }
    at_load
};

/// Asks Linux not to back this process with transparent huge pages.
///
/// mimalloc asks for huge pages on the big regions it reserves, and the
/// kernel then zeroes 2 MiB at a time for memory henko mostly never uses:
/// under `perf`, 30% of a 12k-line plan went to `clear_page_erms`, and
/// `henko diff` of that pair peaked at 46 MiB instead of 18 MiB. With huge
/// pages off the pair's plan ran 5-15% faster with a third of the spread,
/// and a 10,000-device diff peaked 15% lower (benches/README.md). Failure
/// (an old kernel) changes nothing but speed, so it is ignored.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn no_transparent_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and only
    // sets a flag on the calling process; no memory is passed.
    // prctl is variadic: the arguments go as the unsigned longs it reads.
    let (disable, unused): (libc::c_ulong, libc::c_ulong) = (1, 0);
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, disable, unused, unused, unused);
    }
}
