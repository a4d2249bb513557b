//! `terraform::from_json_slice` (plan or state JSON, no `--tf-root`) on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan_providers::terraform::{from_json_slice, PlanOptions};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let options = PlanOptions {
        plan_path: Path::new("plan.json"),
        tf_root: None,
        tool_version: "0.0.0-fuzz",
    };
    match from_json_slice(data, &options) {
        Ok(snapshot) => {
            // A snapshot made from a plan must be one the snapshot loader accepts.
            let _ = snapshot.validate(Path::new("plan.json"));
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
