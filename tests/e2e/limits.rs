//! The AWS throttling flags (`--max-concurrency-per-region`, `--max-attempts`,
//! `--max-rate`) and their `[aws]` keys: documented in `--help`, and bad values refused
//! with a message naming the flag or the key, exit 2, before any call is made.

use crate::common::*;

#[test]
fn the_throttling_flags_are_in_the_help_of_scan_and_snapshot() {
    let dir = temp_dir();
    for command in ["scan", "snapshot"] {
        let output = soc2scan_in(dir.path(), &[command, "--help"]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        let help = stdout(&output);
        for flag in [
            "--max-concurrency-per-region <N>",
            "--max-attempts <N>",
            "--max-rate <PER_SECOND>",
        ] {
            assert!(
                help.contains(flag),
                "{command} --help lacks {flag}:\n{help}"
            );
        }
        assert!(help.contains("[default: 12]"), "{help}");
    }
}

#[test]
fn bad_throttling_flags_exit_2_naming_the_flag() {
    let dir = temp_dir();
    for (flag, value, expected) in [
        ("--max-attempts", "0", "must be at least 1"),
        ("--max-attempts", "many", "is not a whole number"),
        ("--max-concurrency-per-region", "0", "must be at least 1"),
        ("--max-rate", "0", "above zero"),
        ("--max-rate", "-3", "above zero"),
        ("--max-rate", "inf", "above zero"),
        (
            "--max-rate",
            "fast",
            "is not a number of requests per second",
        ),
    ] {
        let argument = format!("{flag}={value}");
        let output = soc2scan_in(dir.path(), &["scan", "aws", &argument]);
        assert_eq!(code(&output), 2, "{flag} {value}: {}", stderr(&output));
        let message = stderr(&output);
        assert!(message.contains(flag), "{flag} {value}: {message}");
        assert!(message.contains(expected), "{flag} {value}: {message}");
        assert!(stdout(&output).is_empty(), "no partial output");
    }
}

#[cfg(feature = "aws")]
#[test]
fn bad_throttling_keys_in_soc2scan_toml_exit_2_naming_the_key() {
    let dir = temp_dir();
    for (line, key, expected) in [
        (
            "max_attempts = 0",
            "[aws] max_attempts",
            "must be at least 1",
        ),
        (
            "max_concurrency_per_region = 0",
            "[aws] max_concurrency_per_region",
            "must be at least 1",
        ),
        ("max_rate = 0.0", "[aws] max_rate", "above zero"),
        ("max_rate = -1.5", "[aws] max_rate", "above zero"),
    ] {
        std::fs::write(
            dir.path().join("soc2scan.toml"),
            format!("[aws]\nregions = [\"eu-west-1\"]\n{line}\n"),
        )
        .unwrap();
        let output = soc2scan_in(dir.path(), &["scan", "aws"]);
        assert_eq!(code(&output), 2, "{line}: {}", stderr(&output));
        let message = stderr(&output);
        assert!(message.contains(key), "{line}: {message}");
        assert!(message.contains(expected), "{line}: {message}");
    }
    // A key of the wrong type is the config loader's error, naming the file.
    std::fs::write(
        dir.path().join("soc2scan.toml"),
        "[aws]\nmax_attempts = \"twelve\"\n",
    )
    .unwrap();
    let output = soc2scan_in(dir.path(), &["scan", "aws"]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("soc2scan.toml"),
        "{}",
        stderr(&output)
    );
}
