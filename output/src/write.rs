//! Atomic file writes: a failed run never leaves a half-written report.

use crate::OutputError;
use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` atomically: a temporary file in the same directory, flushed
/// to disk, then renamed over `path`. Either the whole new file is there or the old one (or
/// nothing) is; the temporary file is removed on any error, and the error names `path`.
///
/// A new file gets mode 0644 (the temporary file's 0600 would surprise CI artifact
/// uploaders); a file that already exists keeps its permissions.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), OutputError> {
    stage(path, contents)?.commit()
}

/// A report written to a temporary file beside its destination, not yet in place.
///
/// Staging every report first and committing them only when all were staged means a run
/// that cannot write one report writes none. Dropping a staged file removes it.
pub struct StagedFile {
    path: std::path::PathBuf,
    directory: std::path::PathBuf,
    temporary: tempfile::NamedTempFile,
}

fn io_error(path: &Path, action: String) -> impl FnOnce(std::io::Error) -> OutputError {
    let path = path.to_path_buf();
    move |source| OutputError::Write {
        path,
        action,
        source,
    }
}

/// Writes `contents` to a flushed temporary file in `path`'s directory.
pub fn stage(path: &Path, contents: &[u8]) -> Result<StagedFile, OutputError> {
    stage_with(path, |out| {
        out.write_all(contents)
            .map_err(|source| OutputError::Stream { source })
    })
}

/// Lets `write` fill a flushed temporary file in `path`'s directory (through a buffer); a
/// stream error is reported against `path`.
pub fn stage_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), OutputError>,
) -> Result<StagedFile, OutputError> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if path.file_name().is_none() {
        return Err(io_error(path, "checking the path".to_string())(
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file"),
        ));
    }
    let mut temporary = tempfile::Builder::new()
        .prefix(".soc2scan-")
        .suffix(".tmp")
        .tempfile_in(directory)
        .map_err(io_error(
            path,
            format!("creating a temporary file in {}", directory.display()),
        ))?;
    let mut buffer = std::io::BufWriter::new(temporary.as_file_mut());
    let written = write(&mut buffer).and_then(|()| {
        buffer
            .flush()
            .map_err(|source| OutputError::Stream { source })
    });
    drop(buffer);
    match written {
        Ok(()) => {}
        Err(OutputError::Stream { source }) => {
            return Err(io_error(path, "writing a temporary file".to_string())(
                source,
            ))
        }
        Err(other) => return Err(other),
    }
    let permissions = match std::fs::metadata(path) {
        Ok(existing) if existing.is_file() => Some(existing.permissions()),
        _ => default_permissions(),
    };
    if let Some(permissions) = permissions {
        temporary
            .as_file()
            .set_permissions(permissions)
            .map_err(io_error(path, "setting permissions".to_string()))?;
    }
    temporary
        .as_file()
        .sync_all()
        .map_err(io_error(path, "flushing to disk".to_string()))?;
    Ok(StagedFile {
        path: path.to_path_buf(),
        directory: directory.to_path_buf(),
        temporary,
    })
}

impl StagedFile {
    /// Renames the staged file over its destination.
    pub fn commit(self) -> Result<(), OutputError> {
        let StagedFile {
            path,
            directory,
            temporary,
        } = self;
        temporary
            .persist(&path)
            .map_err(|error| io_error(&path, "renaming into place".to_string())(error.error))?;
        sync_directory(&directory);
        Ok(())
    }
}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

/// Makes the rename durable. Best effort: the file is complete either way.
fn sync_directory(directory: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(directory) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = directory;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(directory: &Path) -> Vec<String> {
        std::fs::read_dir(directory)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".soc2scan-"))
            .collect()
    }

    #[test]
    fn writes_and_replaces_whole_files() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("results.sarif");
        write_atomic(&path, b"first").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        write_atomic(&path, b"second, longer").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second, longer");
        assert!(leftovers(directory.path()).is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    #[test]
    fn missing_directory_is_an_error_naming_the_path() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("no-such-dir").join("out.json");
        let error = write_atomic(&path, b"x").unwrap_err().to_string();
        assert!(error.starts_with(&path.display().to_string()), "{error}");
        assert!(error.contains("creating a temporary file"), "{error}");
        assert!(!path.exists());
    }

    #[test]
    fn a_directory_in_the_way_leaves_no_partial_file() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("report.json");
        std::fs::create_dir(&path).unwrap();
        let error = write_atomic(&path, b"{}").unwrap_err().to_string();
        assert!(error.contains("report.json"), "{error}");
        assert!(error.contains("renaming into place"), "{error}");
        assert!(path.is_dir());
        assert!(leftovers(directory.path()).is_empty());
    }
}
