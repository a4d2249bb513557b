//! `terraform::from_json_slice` (plan or state JSON, no `--tf-root`) on arbitrary bytes.
//! A plan that loads is evaluated by every rule, as `soc2scan scan --terraform-plan` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan_providers::terraform::{from_json_slice, PlanOptions};
use soc2scan_rules::{all_rules, Engine, RuleRun};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let options = PlanOptions {
        plan_path: Path::new("plan.json"),
        tf_root: None,
        tool_version: "0.0.0-fuzz",
    };
    match from_json_slice(data, &options) {
        Ok(snapshot) => {
            let engine = Engine::new(
                all_rules()
                    .iter()
                    .map(|&rule| RuleRun::with_defaults(rule))
                    .collect(),
            );
            let _ = engine.evaluate(&snapshot);
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
