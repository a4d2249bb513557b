//! The `.tf` block scanner (`terraform::locations`, through `index_tf_source`) and
//! `parse_address` on arbitrary UTF-8 text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan_providers::terraform::locations::{index_tf_source, parse_address};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(error) = index_tf_source(text) {
        let _ = error.to_string();
    }
    // Each line as a resource address: the parts must be cut from the address itself.
    for line in text.lines() {
        if let Some(address) = parse_address(line) {
            assert!(!address.resource_type.is_empty() && !address.name.is_empty());
            assert_eq!(address.module_path.len(), address.module_keys.len());
            assert!(line.contains(address.resource_type.as_str()));
            assert!(line.contains(address.name.as_str()));
        }
    }
});
