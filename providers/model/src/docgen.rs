//! Generated sections of the docs: tables that come from a registry in the code (kinds,
//! Terraform types, IAM actions) sit between `<!-- begin generated: NAME -->` and
//! `<!-- end generated: NAME -->` markers, and a test of each registry compares them with
//! what the code generates. `UPDATE_DOCS=1 cargo test` rewrites them instead.

use std::path::Path;

/// Checks that the generated section `name` of the document at `path` (relative to the
/// workspace root) is `content`; with `UPDATE_DOCS` set, rewrites it. Panics with the
/// command that fixes it otherwise. For tests.
pub fn check_generated_section(path: &str, name: &str, content: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let file = root.join(path);
    let doc = std::fs::read_to_string(&file)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
    let begin = format!("<!-- begin generated: {name} -->\n");
    let end = format!("<!-- end generated: {name} -->");
    let start = doc
        .find(&begin)
        .unwrap_or_else(|| panic!("{path} has no {begin:?} marker"))
        + begin.len();
    let stop = start
        + doc[start..]
            .find(&end)
            .unwrap_or_else(|| panic!("{path} has no {end:?} marker"));
    if &doc[start..stop] == content {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{content}{}", &doc[..start], &doc[stop..]);
        std::fs::write(&file, updated)
            .unwrap_or_else(|error| panic!("cannot write {}: {error}", file.display()));
        return;
    }
    panic!(
        "{path}: the generated section {name:?} is out of date: run `UPDATE_DOCS=1 cargo test` \
         and commit the result\n--- expected:\n{content}--- found:\n{}",
        &doc[start..stop]
    );
}
