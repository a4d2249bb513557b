//! PLACEHOLDER — the real lookup of resource blocks in `.tf` sources is written on branch
//! `tf-locations` and replaces this file when integrated. It has the same interface; until
//! then it finds no block, so every result points at the plan file.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// A `.tf` source position of a resource block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLocation {
    /// Path relative to the Terraform root, with `/` separators.
    pub file: String,
    /// 1-based line of the block's first line.
    pub line: u32,
}

/// Resource block positions of a Terraform configuration (placeholder: always empty).
#[derive(Debug, Default)]
pub struct LocationIndex {}

/// Why the `.tf` sources could not be indexed.
#[derive(Debug, thiserror::Error)]
pub enum LocateError {
    /// The Terraform root is not a readable directory.
    #[error("{path}: cannot read the Terraform root: {message}")]
    Root {
        /// The directory.
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl LocationIndex {
    /// Indexes the `.tf` files under `tf_root` that `configuration` (the plan JSON's
    /// top-level `"configuration"` object) uses.
    pub fn build(
        tf_root: &Path,
        configuration: &serde_json::Value,
    ) -> Result<LocationIndex, LocateError> {
        let _ = (tf_root, configuration);
        Ok(LocationIndex {})
    }

    /// The block of `resource_type.resource_name` in the module at `module_path` (module
    /// call names from the root, without instance keys).
    pub fn locate(
        &self,
        module_path: &[&str],
        resource_type: &str,
        resource_name: &str,
    ) -> Option<SourceLocation> {
        let _ = (module_path, resource_type, resource_name);
        None
    }
}
