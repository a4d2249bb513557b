//! `Snapshot::from_json_slice` and `validate` on arbitrary bytes: an error, never a panic.
//! A snapshot that loads is evaluated by every rule, as `soc2scan scan --snapshot` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan_providers::Snapshot;
use soc2scan_rules::{all_rules, Engine, RuleRun};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.json");
    let snapshot = match Snapshot::from_json_slice(data, path) {
        Ok(snapshot) => snapshot,
        Err(error) => {
            // The message is what the user sees: building it must not panic either.
            let _ = error.to_string();
            return;
        }
    };
    if let Err(error) = snapshot.validate(path) {
        let _ = error.to_string();
        return;
    }
    let engine = Engine::new(
        all_rules()
            .iter()
            .map(|&rule| RuleRun::with_defaults(rule))
            .collect(),
    );
    let _ = engine.evaluate(&snapshot);
});
