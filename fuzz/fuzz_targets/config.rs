//! `Config::parse` (soc2scan.toml) on arbitrary UTF-8 text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan::config::Config;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(error) = Config::parse(text, Path::new("soc2scan.toml")) {
        let _ = error.to_string();
    }
});
