//! Source positions of Terraform resource blocks.
//!
//! `terraform show -json` says which resources a plan creates but not where they are written,
//! so a result found in a plan has no file and line of its own. A [`LocationIndex`] restores
//! them: it finds the directory of the root module and of every module the plan's
//! `configuration` calls, scans each directory's `*.tf` files once, and remembers the line of
//! every `resource "TYPE" "NAME" {` (and `data "TYPE" "NAME" {`) block. The scan is a tokenizer
//! that knows HCL's comments, strings, templates and heredocs (see `locations/scan.rs`), checked
//! against a full HCL parser in the tests.
//!
//! ## Where module directories come from
//! - The root module is the `--tf-root` directory.
//! - When `<tf_root>/.terraform/modules/modules.json` exists (written by `terraform init`), its
//!   `Dir` is used for every module key it lists: it is what Terraform itself loaded, and it is
//!   the only way to find registry and git modules.
//! - Otherwise (or for a key it does not list) a local source (`./x`, `../x`) is resolved
//!   against the calling module's directory.
//! - A module whose directory cannot be found is not an error: its resources have no location
//!   ([`LocationIndex::locate`] returns `None`) and it is listed by
//!   [`LocationIndex::unresolved_modules`] so the caller can warn.
//!
//! ## Paths in [`SourceLocation::file`]
//! Relative to `tf_root`, with `/` separators and no `.` components, `..` resolved lexically
//! (symbolic links are not followed), so they can be used as SARIF URIs relative to the
//! repository. A module outside `tf_root` (for example `source = "../shared"`) keeps leading
//! `..` components: `../shared/main.tf`. An absolute `Dir` in `modules.json` outside `tf_root`
//! is kept absolute.
//!
//! ## Not covered
//! `*.tf.json` files are not read: their resources get no location.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Component, Path, PathBuf};

mod scan;

pub use super::address::{parse_address, ParsedAddress, ResourceMode};

use scan::scan_blocks;

/// A `.tf` source position of a resource block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLocation {
    /// The file, relative to the tf root, with `/` separators (see the module docs for modules
    /// outside the tf root).
    pub file: String,
    /// One-based line of the block's first token (`resource` or `data`).
    pub line: u32,
}

/// Why the `.tf` sources behind a plan could not be indexed.
///
/// Each of these makes the scan fail (exit 2): the message names the file or directory and
/// what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum LocateError {
    /// `--tf-root` names nothing.
    #[error("--tf-root {}: no such directory", .path.display())]
    RootMissing {
        /// The tf root as given.
        path: PathBuf,
    },
    /// `--tf-root` names a file, not a directory.
    #[error(
        "--tf-root {}: not a directory; give the directory where `terraform plan` ran",
        .path.display()
    )]
    RootNotDirectory {
        /// The tf root as given.
        path: PathBuf,
    },
    /// The root module directory has no `*.tf` file.
    #[error(
        "--tf-root {}: contains no .tf files (.tf.json files are not read); give the \
         directory where `terraform plan` ran, or leave out --tf-root to point results at the \
         plan file",
        .path.display()
    )]
    NoTfFiles {
        /// The tf root as given.
        path: PathBuf,
    },
    /// A module directory could not be listed.
    #[error("{}: cannot list the directory: {source}", .path.display())]
    ReadDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A `.tf` file (or `modules.json`) could not be read.
    #[error("{}: cannot read the file: {source}", .path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A `.tf` file whose structure cannot be followed: a string, comment or heredoc that is
    /// never closed, or an unbalanced bracket.
    #[error("{}:{line}:{column}: not valid HCL: {message}", .path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// One-based line of the error.
        line: usize,
        /// One-based column of the error.
        column: usize,
        /// What the parser expected or found.
        message: String,
    },
    /// `.terraform/modules/modules.json` is not in the shape `terraform init` writes.
    #[error(
        "{}: not a valid Terraform module manifest ({source}); run `terraform init` again",
        .path.display()
    )]
    ModulesJson {
        /// The manifest file.
        path: PathBuf,
        /// The JSON error.
        source: serde_json::Error,
    },
}

/// A module call whose source directory was not found; its resources have no location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedModule {
    /// The module's address, e.g. `module.network.module.subnets`.
    pub address: String,
    /// The `source` of the module call as the plan records it (empty if absent).
    pub source: String,
    /// Why no directory was found.
    pub reason: String,
}

impl fmt::Display for UnresolvedModule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (source \"{}\"): {}",
            self.address, self.source, self.reason
        )
    }
}

/// Where each resource block of a Terraform configuration is written.
///
/// Built once per scan from the tf root and the plan's `configuration`; lookups allocate
/// nothing.
#[derive(Debug)]
pub struct LocationIndex {
    root: ModuleNode,
    dirs: Vec<DirectoryBlocks>,
    unresolved: Vec<UnresolvedModule>,
}

/// A module in the call tree: its parsed directory (shared by every call of the same
/// directory) and its own module calls.
#[derive(Debug, Default)]
struct ModuleNode {
    dir: Option<usize>,
    children: HashMap<String, ModuleNode>,
}

/// The blocks of one module directory, by type then name.
#[derive(Debug, Default)]
struct DirectoryBlocks {
    resources: HashMap<String, HashMap<String, SourceLocation>>,
    data: HashMap<String, HashMap<String, SourceLocation>>,
}

impl DirectoryBlocks {
    fn find(
        map: &HashMap<String, HashMap<String, SourceLocation>>,
        resource_type: &str,
        resource_name: &str,
    ) -> Option<SourceLocation> {
        map.get(resource_type)?.get(resource_name).cloned()
    }
}

/// A module directory as a lexically normalised path relative to the tf root: only normal
/// components, possibly after leading `..`s. An absolute path is kept when a manifest `Dir`
/// points outside the tf root.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ModuleDir {
    absolute: Option<PathBuf>,
    parts: Vec<String>,
}

impl ModuleDir {
    fn root() -> ModuleDir {
        ModuleDir {
            absolute: None,
            parts: Vec::new(),
        }
    }

    /// `self` joined with a relative path written with `/` or `\` separators.
    fn join(&self, relative: &str) -> ModuleDir {
        let mut out = self.clone();
        for part in relative.split(['/', '\\']) {
            match part {
                "" | "." => {}
                ".." => {
                    if out.parts.last().is_some_and(|p| p != "..") {
                        out.parts.pop();
                    } else if out.absolute.is_none() {
                        out.parts.push("..".to_string());
                    }
                }
                other => out.parts.push(other.to_string()),
            }
        }
        out
    }

    /// A manifest `Dir`: relative to the tf root, or absolute.
    fn from_manifest(tf_root: &Path, dir: &str) -> ModuleDir {
        let path = Path::new(dir);
        if !path.is_absolute() {
            return ModuleDir::root().join(dir);
        }
        if let Ok(rest) = path.strip_prefix(tf_root) {
            return ModuleDir::root().join(&rest.to_string_lossy());
        }
        let mut out = ModuleDir {
            absolute: Some(PathBuf::new()),
            parts: Vec::new(),
        };
        for component in path.components() {
            match component {
                Component::Prefix(_) | Component::RootDir => {
                    if let Some(abs) = out.absolute.as_mut() {
                        abs.push(component.as_os_str());
                    }
                }
                Component::CurDir => {}
                Component::ParentDir => {
                    out.parts.pop();
                }
                Component::Normal(part) => out.parts.push(part.to_string_lossy().into_owned()),
            }
        }
        out
    }

    fn path_on_disk(&self, tf_root: &Path) -> PathBuf {
        let mut path = self
            .absolute
            .clone()
            .unwrap_or_else(|| tf_root.to_path_buf());
        path.extend(&self.parts);
        path
    }

    /// The `file` of a location in this directory.
    fn display_file(&self, file_name: &str) -> String {
        let mut out = String::new();
        if let Some(abs) = &self.absolute {
            out.push_str(&abs.to_string_lossy().replace('\\', "/"));
            if !out.ends_with('/') {
                out.push('/');
            }
        }
        for part in &self.parts {
            out.push_str(part);
            out.push('/');
        }
        out.push_str(file_name);
        out
    }
}

/// The `Dir` of each module key in `.terraform/modules/modules.json`.
type Manifest = HashMap<String, String>;

#[derive(Deserialize)]
struct ManifestFile {
    #[serde(rename = "Modules")]
    modules: Vec<ManifestEntry>,
}

#[derive(Deserialize)]
struct ManifestEntry {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Dir")]
    dir: String,
}

fn read_manifest(tf_root: &Path) -> Result<Option<Manifest>, LocateError> {
    let path = tf_root
        .join(".terraform")
        .join("modules")
        .join("modules.json");
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(LocateError::ReadFile { path, source }),
    };
    let file: ManifestFile =
        serde_json::from_str(&text).map_err(|source| LocateError::ModulesJson { path, source })?;
    Ok(Some(
        file.modules.into_iter().map(|m| (m.key, m.dir)).collect(),
    ))
}

/// Walks the configuration's module tree, parsing each distinct directory once.
struct Builder<'a> {
    tf_root: &'a Path,
    manifest: Option<Manifest>,
    dirs: Vec<DirectoryBlocks>,
    /// Canonical directory → index in `dirs`.
    by_canonical: HashMap<PathBuf, usize>,
    unresolved: Vec<UnresolvedModule>,
}

impl Builder<'_> {
    /// Parses the module directory `dir` (once per canonical directory).
    fn index_dir(&mut self, dir: &ModuleDir, canonical: PathBuf) -> Result<usize, LocateError> {
        if let Some(&index) = self.by_canonical.get(&canonical) {
            return Ok(index);
        }
        let blocks = parse_directory(&dir.path_on_disk(self.tf_root), dir)?;
        self.dirs.push(blocks);
        let index = self.dirs.len() - 1;
        self.by_canonical.insert(canonical, index);
        Ok(index)
    }

    /// Fills `node.children` from a configuration module's `module_calls`.
    fn add_calls(
        &mut self,
        node: &mut ModuleNode,
        module: &Value,
        key: &str,
        dir: Option<&ModuleDir>,
    ) -> Result<(), LocateError> {
        let Some(calls) = module.get("module_calls").and_then(Value::as_object) else {
            return Ok(());
        };
        for (name, call) in calls {
            let child_key = if key.is_empty() {
                name.clone()
            } else {
                format!("{key}.{name}")
            };
            let source = call.get("source").and_then(Value::as_str).unwrap_or("");
            let mut child = ModuleNode::default();
            let child_dir = self.resolve(&child_key, source, dir);
            if let Some(child_dir) = &child_dir {
                child.dir = Some(self.index_dir(&child_dir.0, child_dir.1.clone())?);
            }
            if let Some(inner) = call.get("module") {
                self.add_calls(
                    &mut child,
                    inner,
                    &child_key,
                    child_dir.as_ref().map(|d| &d.0),
                )?;
            }
            node.children.insert(name.clone(), child);
        }
        Ok(())
    }

    /// The directory of module `key`, with its canonical path; `None` (and a record in
    /// `unresolved`) when it cannot be found.
    fn resolve(
        &mut self,
        key: &str,
        source: &str,
        parent: Option<&ModuleDir>,
    ) -> Option<(ModuleDir, PathBuf)> {
        let from_manifest = self
            .manifest
            .as_ref()
            .and_then(|m| m.get(key))
            .map(|dir| ModuleDir::from_manifest(self.tf_root, dir));
        let is_local = source.starts_with("./") || source.starts_with("../");
        let (candidate, reason) = match (from_manifest, parent) {
            (Some(dir), _) => (Some(dir), ""),
            (None, Some(parent)) if is_local => (Some(parent.join(source)), ""),
            (None, None) if is_local => (None, "the calling module's directory was not found"),
            (None, _) if self.manifest.is_some() => (
                None,
                "not listed in .terraform/modules/modules.json; run `terraform init` again",
            ),
            (None, _) => (
                None,
                "not a local source and there is no .terraform/modules/modules.json; \
                 run `terraform init` in the tf root first",
            ),
        };
        let address = key
            .split('.')
            .map(|n| format!("module.{n}"))
            .collect::<Vec<_>>()
            .join(".");
        let Some(dir) = candidate else {
            self.unresolved.push(UnresolvedModule {
                address,
                source: source.to_string(),
                reason: reason.to_string(),
            });
            return None;
        };
        let on_disk = dir.path_on_disk(self.tf_root);
        match fs::canonicalize(&on_disk) {
            Ok(canonical) if canonical.is_dir() => Some((dir, canonical)),
            _ => {
                self.unresolved.push(UnresolvedModule {
                    address,
                    source: source.to_string(),
                    reason: format!("directory {} not found", on_disk.display()),
                });
                None
            }
        }
    }
}

impl LocationIndex {
    /// Indexes the resource blocks of the root module at `tf_root` and of every module called
    /// from it.
    ///
    /// `configuration` is the plan JSON's top-level "configuration" object; without one (a
    /// state file, or `Value::Null`) only the root module is indexed.
    pub fn build(tf_root: &Path, configuration: &Value) -> Result<LocationIndex, LocateError> {
        let meta = fs::metadata(tf_root).map_err(|_| LocateError::RootMissing {
            path: tf_root.to_path_buf(),
        })?;
        if !meta.is_dir() {
            return Err(LocateError::RootNotDirectory {
                path: tf_root.to_path_buf(),
            });
        }
        let canonical_root = fs::canonicalize(tf_root).map_err(|_| LocateError::RootMissing {
            path: tf_root.to_path_buf(),
        })?;
        let mut builder = Builder {
            tf_root,
            manifest: read_manifest(tf_root)?,
            dirs: Vec::new(),
            by_canonical: HashMap::new(),
            unresolved: Vec::new(),
        };
        let root_dir = ModuleDir::root();
        if list_tf_files(tf_root)?.is_empty() {
            return Err(LocateError::NoTfFiles {
                path: tf_root.to_path_buf(),
            });
        }
        let mut root = ModuleNode {
            dir: Some(builder.index_dir(&root_dir, canonical_root)?),
            children: HashMap::new(),
        };
        if let Some(root_module) = configuration.get("root_module") {
            builder.add_calls(&mut root, root_module, "", Some(&root_dir))?;
        }
        Ok(LocationIndex {
            root,
            dirs: builder.dirs,
            unresolved: builder.unresolved,
        })
    }

    /// Where `resource "resource_type" "resource_name"` is written in the module reached by
    /// `module_path`.
    ///
    /// `module_path` = module call names from the root, without instance keys
    /// (e.g. ["network", "subnets"] for module.network["a"].module.subnets[0]).
    pub fn locate(
        &self,
        module_path: &[&str],
        resource_type: &str,
        resource_name: &str,
    ) -> Option<SourceLocation> {
        let dir = self.module_dir(module_path)?;
        DirectoryBlocks::find(&dir.resources, resource_type, resource_name)
    }

    /// Like [`locate`](Self::locate), for a `data "resource_type" "resource_name"` block.
    pub fn locate_data(
        &self,
        module_path: &[&str],
        resource_type: &str,
        resource_name: &str,
    ) -> Option<SourceLocation> {
        let dir = self.module_dir(module_path)?;
        DirectoryBlocks::find(&dir.data, resource_type, resource_name)
    }

    /// [`locate`](Self::locate) or [`locate_data`](Self::locate_data) for a parsed address.
    pub fn locate_address(&self, address: &ParsedAddress) -> Option<SourceLocation> {
        let path: Vec<&str> = address.module_path.iter().map(String::as_str).collect();
        match address.mode {
            ResourceMode::Managed => self.locate(&path, &address.resource_type, &address.name),
            ResourceMode::Data => self.locate_data(&path, &address.resource_type, &address.name),
        }
    }

    /// Module calls whose directory was not found (their resources have no location), in the
    /// order the configuration lists them; the caller should warn about each.
    pub fn unresolved_modules(&self) -> &[UnresolvedModule] {
        &self.unresolved
    }

    fn module_dir(&self, module_path: &[&str]) -> Option<&DirectoryBlocks> {
        let mut node = &self.root;
        for name in module_path {
            node = node.children.get(*name)?;
        }
        self.dirs.get(node.dir?)
    }
}

/// The `*.tf` files directly in `dir`, sorted by name so that results do not depend on the
/// order the file system lists them in.
fn list_tf_files(dir: &Path) -> Result<Vec<(PathBuf, String)>, LocateError> {
    let read_dir_error = |source| LocateError::ReadDir {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_dir_error)? {
        let entry = entry.map_err(read_dir_error)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".tf") {
            continue;
        }
        // A directory named `x.tf` is not a source file; follow symlinks to decide.
        if fs::metadata(entry.path()).is_ok_and(|m| m.is_file()) {
            files.push((entry.path(), name));
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(files)
}

fn parse_directory(path: &Path, dir: &ModuleDir) -> Result<DirectoryBlocks, LocateError> {
    let mut blocks = DirectoryBlocks::default();
    for (file_path, file_name) in list_tf_files(path)? {
        let text = fs::read_to_string(&file_path).map_err(|source| LocateError::ReadFile {
            path: file_path.clone(),
            source,
        })?;
        let display = dir.display_file(&file_name);
        index_file(&text, &file_path, &display, &mut blocks)?;
    }
    Ok(blocks)
}

/// Indexes one `.tf` file's text as [`LocationIndex::build`] does for every file it reads,
/// returning how many `resource` / `data` blocks it found.
///
/// The entry point of the `locations` fuzz target (`fuzz/`): the block scanner, the line
/// counter and the line/column of a scan error, without a directory on disk. Not part of the
/// supported API.
#[doc(hidden)]
pub fn index_tf_source(text: &str) -> Result<usize, LocateError> {
    let mut blocks = DirectoryBlocks::default();
    index_file(text, Path::new("fuzz.tf"), "fuzz.tf", &mut blocks)?;
    Ok(blocks.resources.values().map(HashMap::len).sum::<usize>()
        + blocks.data.values().map(HashMap::len).sum::<usize>())
}

/// Records the `resource` and `data` blocks of one file. The first definition wins if a
/// module defines the same block twice (Terraform itself rejects that).
fn index_file(
    text: &str,
    file_path: &Path,
    display: &str,
    blocks: &mut DirectoryBlocks,
) -> Result<(), LocateError> {
    // Terraform accepts a UTF-8 byte order mark. It is not a line break, so lines count the
    // same without it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let headers = scan_blocks(text).map_err(|e| {
        let before = &text[..e.offset];
        let line_start = before.rfind('\n').map_or(0, |p| p + 1);
        LocateError::Parse {
            path: file_path.to_path_buf(),
            line: before.bytes().filter(|&b| b == b'\n').count() + 1,
            column: text[line_start..e.offset].chars().count() + 1,
            message: e.message,
        }
    })?;
    let mut lines = LineCounter::new(text);
    for header in headers {
        let map = match header.mode {
            ResourceMode::Managed => &mut blocks.resources,
            ResourceMode::Data => &mut blocks.data,
        };
        let location = SourceLocation {
            file: display.to_string(),
            line: lines.line_at(header.offset),
        };
        map.entry(header.resource_type.to_string())
            .or_default()
            .entry(header.name.to_string())
            .or_insert(location);
    }
    Ok(())
}

/// Turns increasing byte offsets into one-based line numbers in one pass over the text.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u32,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    pub(crate) fn line_at(&mut self, offset: usize) -> u32 {
        let offset = offset.min(self.bytes.len());
        if offset < self.offset {
            // Blocks come in source order; restart if they ever do not.
            self.offset = 0;
            self.line = 1;
        }
        let newlines = self.bytes[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line = self
            .line
            .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        self.offset = offset;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<(String, u32)> {
        let mut blocks = DirectoryBlocks::default();
        index_file(text, Path::new("t.tf"), "t.tf", &mut blocks).expect("parses");
        let mut out: Vec<(String, u32)> = blocks
            .resources
            .iter()
            .flat_map(|(t, names)| names.iter().map(move |(n, l)| (format!("{t}.{n}"), l.line)))
            .chain(blocks.data.iter().flat_map(|(t, names)| {
                names
                    .iter()
                    .map(move |(n, l)| (format!("data.{t}.{n}"), l.line))
            }))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn block_lines_skip_comments_heredocs_and_strings() {
        let text = "# resource \"a\" \"comment\" {}\n\
                    /* resource \"a\" \"block\" {}\n*/ resource \"a\" \"after_comment\" {\n}\n\
                    locals {\n  x = <<EOT\nresource \"a\" \"heredoc\" {\n}\nEOT\n  \
                    y = \"resource \\\"a\\\" \\\"s\\\" {\"\n}\n\
                    resource \"a\" \"real\" {\n  nested {\n  }\n}\n\
                    data \"a\" \"d\" {}\n";
        assert_eq!(
            lines_of(text),
            [
                ("a.after_comment".to_string(), 3),
                ("a.real".to_string(), 12),
                ("data.a.d".to_string(), 16),
            ]
        );
    }

    #[test]
    fn index_tf_source_counts_blocks_and_reports_scan_errors() {
        let text = "resource \"a\" \"b\" {}\ndata \"a\" \"c\" {}\nresource \"a\" \"b\" {}\n";
        // The duplicate `a.b` is indexed once, as in a directory.
        assert_eq!(index_tf_source(text).expect("scans"), 2);
        let error = index_tf_source("locals {\n  x = \"é\n").expect_err("unterminated");
        assert!(error.to_string().starts_with("fuzz.tf:2:"), "{error}");
    }

    #[test]
    fn crlf_and_a_byte_order_mark_do_not_shift_lines() {
        let text = "\u{feff}# x\r\n\r\nresource \"a\" \"b\" {\r\n}\r\nresource \"a\" \"c\" {}\r\n";
        assert_eq!(
            lines_of(text),
            [("a.b".to_string(), 3), ("a.c".to_string(), 5)]
        );
    }

    #[test]
    fn the_first_definition_of_a_duplicated_block_wins() {
        let text = "resource \"a\" \"b\" {}\nresource \"a\" \"b\" {}\n";
        assert_eq!(lines_of(text), [("a.b".to_string(), 1)]);
    }

    #[test]
    fn module_directories_normalise_lexically() {
        let root = ModuleDir::root();
        assert_eq!(
            root.join("./modules/net").display_file("m.tf"),
            "modules/net/m.tf"
        );
        assert_eq!(
            root.join("./modules/net")
                .join("../web/./x/..")
                .display_file("m.tf"),
            "modules/web/m.tf"
        );
        assert_eq!(
            root.join("../shared").display_file("m.tf"),
            "../shared/m.tf"
        );
        assert_eq!(
            root.join("../a").join("../../b").display_file("m.tf"),
            "../../b/m.tf"
        );
        assert_eq!(root.join(".").display_file("m.tf"), "m.tf");
        assert_eq!(
            ModuleDir::from_manifest(Path::new("/repo/infra"), "modules\\net").display_file("m.tf"),
            "modules/net/m.tf"
        );
    }

    #[cfg(unix)]
    #[test]
    fn absolute_manifest_directories_are_made_relative_when_under_the_root() {
        let root = Path::new("/repo/infra");
        assert_eq!(
            ModuleDir::from_manifest(root, "/repo/infra/.terraform/modules/vpc")
                .display_file("m.tf"),
            ".terraform/modules/vpc/m.tf"
        );
        assert_eq!(
            ModuleDir::from_manifest(root, "/opt/mods/../vpc").display_file("m.tf"),
            "/opt/vpc/m.tf"
        );
    }

    #[test]
    fn a_directory_called_by_several_modules_is_parsed_once() {
        let fixture =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform-locations");
        let plan: Value = serde_json::from_str(
            &fs::read_to_string(fixture.join("plan.json")).expect("fixture plan"),
        )
        .expect("JSON");
        let index =
            LocationIndex::build(&fixture.join("root"), &plan["configuration"]).expect("indexes");
        // root, net, net/sub, web (called as web_a and web_b), the vpc registry module, shared.
        assert_eq!(index.dirs.len(), 6);
        assert_eq!(
            index.root.children["web_a"].dir,
            index.root.children["web_b"].dir
        );
    }

    #[test]
    fn parse_errors_carry_one_based_line_and_column() {
        let mut blocks = DirectoryBlocks::default();
        let err = index_file(
            "a = 1\nb = \"é\" }\n",
            Path::new("x.tf"),
            "x.tf",
            &mut blocks,
        )
        .expect_err("unbalanced");
        assert_eq!(err.to_string(), "x.tf:2:9: not valid HCL: unexpected `}`");
    }
}
