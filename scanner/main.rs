//! The `soc2scan` command-line tool. See `soc2scan --help`.

fn main() -> std::process::ExitCode {
    soc2scan::cli::run()
}
