//! The `soc2scan` command-line tool. See `soc2scan --help`.

// Evaluation allocates millions of small strings (findings) and parses large snapshots;
// mimalloc is markedly faster than the system allocator at both.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    soc2scan::cli::run()
}
