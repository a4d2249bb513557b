//! `Snapshot::from_json_slice` and `validate` on arbitrary bytes: an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan_providers::Snapshot;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.json");
    match Snapshot::from_json_slice(data, path) {
        Ok(snapshot) => {
            if let Err(error) = snapshot.validate(path) {
                // The message is what the user sees: building it must not panic either.
                let _ = error.to_string();
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
