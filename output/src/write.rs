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

/// Writes several files as one: each is staged in a temporary file beside its target, and
/// only when every one is staged are they renamed into place (see [`commit_all`]). Either
/// every target then holds its new contents, or every target is as it was — a file that
/// existed keeps its old bytes, one that did not is absent — and the error names the file
/// that failed.
pub fn write_files<P: AsRef<Path>, B: AsRef<[u8]>>(files: &[(P, B)]) -> Result<(), OutputError> {
    let staged = files
        .iter()
        .map(|(path, bytes)| stage(path.as_ref(), bytes.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    commit_all(staged)
}

/// Renames staged files into place, all or nothing. Before a target is replaced, its old
/// contents are kept beside it (a hard link, or a copy where links are not possible); if a
/// later rename fails, the files already replaced get their old contents back and the ones
/// that were new are removed, then the copies are dropped. A rename is atomic, so no target
/// is ever half written. Should putting a file back fail as well (the directory became
/// unwritable midway), the error says exactly which files hold the new contents, which
/// kept their old ones, and where an old copy was left.
pub fn commit_all(staged: Vec<StagedFile>) -> Result<(), OutputError> {
    if staged.len() == 1 {
        return staged.into_iter().next().map_or(Ok(()), StagedFile::commit);
    }
    let total = staged.len();
    let mut done: Vec<Replaced> = Vec::with_capacity(total);
    let mut pending = staged.into_iter();
    while let Some(file) = pending.next() {
        let failed_path = file.path.clone();
        let failure = match keep_old(&file.path, &file.directory) {
            Err(source) => Some(("keeping a copy of the old file", source)),
            Ok(backup) => {
                let path = file.path.clone();
                let directory = file.directory.clone();
                match file.temporary.persist(&path) {
                    Ok(_) => {
                        done.push(Replaced {
                            path,
                            directory,
                            backup,
                        });
                        None
                    }
                    Err(error) => Some(("renaming into place", error.error)),
                }
            }
        };
        if let Some((action, source)) = failure {
            let remaining: Vec<std::path::PathBuf> = pending.map(|f| f.path.clone()).collect();
            let outcome = roll_back(done, total, &remaining);
            return Err(OutputError::Together {
                path: failed_path,
                action: action.to_string(),
                source,
                outcome,
            });
        }
    }
    let mut directories: Vec<&Path> = done.iter().map(|r| r.directory.as_path()).collect();
    directories.sort();
    directories.dedup();
    for directory in directories {
        sync_directory(directory);
    }
    // Dropping the copies of the old files removes them.
    Ok(())
}

/// A target already replaced by [`commit_all`], with its old contents if it had any.
struct Replaced {
    path: std::path::PathBuf,
    directory: std::path::PathBuf,
    /// The old file, kept under a temporary name beside it; dropping it removes it.
    backup: Option<tempfile::NamedTempFile<()>>,
}

/// Keeps the current contents of `path`, if it is a file, under a temporary name in
/// `directory`: a hard link (no copying), else a copy.
fn keep_old(path: &Path, directory: &Path) -> std::io::Result<Option<tempfile::NamedTempFile<()>>> {
    let symlink = match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_file() => false,
        // A rename replaces the link itself, so the link is what to keep.
        Ok(metadata) if metadata.file_type().is_symlink() => true,
        // Nothing there (the file is new), or something a rename cannot replace anyway.
        _ => return Ok(None),
    };
    let backup = |keep: fn(&Path, &Path) -> std::io::Result<()>| {
        tempfile::Builder::new()
            .prefix(".soc2scan-")
            .suffix(".old")
            .make_in(directory, |name| keep(path, name))
    };
    // A hard link does not follow a symbolic link on the platforms soc2scan runs on.
    let linked = backup(|from, to| std::fs::hard_link(from, to));
    match linked {
        Err(_) if !symlink => backup(|from, to| std::fs::copy(from, to).map(|_| ())),
        linked => linked,
    }
    .map(Some)
}

/// Undoes the renames already done, newest first; says what became of every file of the
/// set (`total` files, `remaining` never renamed, the failed one excluded).
fn roll_back(done: Vec<Replaced>, total: usize, remaining: &[std::path::PathBuf]) -> String {
    let mut restored = Vec::new();
    let mut stuck = Vec::new();
    for replaced in done.into_iter().rev() {
        let Replaced {
            path,
            directory,
            backup,
        } = replaced;
        let undone = match backup {
            Some(old) => old.persist(&path).map(|_| ()).map_err(|e| {
                let kept = e.file.path().to_path_buf();
                // Keep the old contents on disk: the user needs them.
                let _ = e.file.keep();
                (e.error, Some(kept))
            }),
            None => std::fs::remove_file(&path).map_err(|e| (e, None)),
        };
        sync_directory(&directory);
        match undone {
            Ok(()) => restored.push(path),
            Err((error, kept)) => stuck.push((path, error, kept)),
        }
    }
    restored.reverse();
    stuck.reverse();
    let names = |paths: &mut dyn Iterator<Item = &std::path::PathBuf>| {
        paths
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if stuck.is_empty() {
        let mut outcome = format!("none of the {total} output files was written or changed");
        if !restored.is_empty() {
            outcome.push_str(&format!(
                " ({} put back as before)",
                names(&mut restored.iter())
            ));
        }
        return outcome;
    }
    let mut parts = vec![format!(
        "written with the new contents, since putting them back failed: {}",
        stuck
            .iter()
            .map(|(path, error, kept)| match kept {
                Some(kept) => format!(
                    "{} ({error}; its old contents are in {})",
                    path.display(),
                    kept.display()
                ),
                None => format!("{} ({error})", path.display()),
            })
            .collect::<Vec<_>>()
            .join(", ")
    )];
    if !restored.is_empty() {
        parts.push(format!(
            "put back as before: {}",
            names(&mut restored.iter())
        ));
    }
    if !remaining.is_empty() {
        parts.push(format!("not written: {}", names(&mut remaining.iter())));
    }
    parts.join("; ")
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

    /// Two reports where the second cannot be renamed into place (a directory is in the
    /// way): the first target keeps its bytes, or stays absent.
    fn second_blocked(first_exists: bool) -> (tempfile::TempDir, std::path::PathBuf, OutputError) {
        let directory = tempfile::tempdir().unwrap();
        let first = directory.path().join("report.json");
        let second = directory.path().join("results.sarif");
        if first_exists {
            std::fs::write(&first, b"old report").unwrap();
        }
        std::fs::create_dir(&second).unwrap();
        std::fs::write(second.join("inside"), b"x").unwrap();
        let error =
            write_files(&[(&first, &b"new report"[..]), (&second, &b"{}"[..])]).unwrap_err();
        (directory, first, error)
    }

    #[test]
    fn a_failed_rename_puts_back_the_files_already_replaced() {
        let (directory, first, error) = second_blocked(true);
        let message = error.to_string();
        assert!(
            message.starts_with(&directory.path().join("results.sarif").display().to_string()),
            "{message}"
        );
        assert!(message.contains("renaming into place"), "{message}");
        assert!(
            message.contains("none of the 2 output files was written or changed"),
            "{message}"
        );
        assert!(
            message.contains("report.json put back as before"),
            "{message}"
        );
        assert_eq!(std::fs::read(&first).unwrap(), b"old report");
        assert!(
            leftovers(directory.path()).is_empty(),
            "{:?}",
            leftovers(directory.path())
        );
    }

    #[test]
    fn a_failed_rename_removes_the_files_that_were_new() {
        let (directory, first, error) = second_blocked(false);
        assert!(matches!(error, OutputError::Together { .. }), "{error}");
        assert!(!first.exists());
        assert!(
            leftovers(directory.path()).is_empty(),
            "{:?}",
            leftovers(directory.path())
        );
    }

    #[test]
    fn several_files_are_all_written_and_no_copies_stay() {
        let directory = tempfile::tempdir().unwrap();
        let paths: Vec<std::path::PathBuf> = ["a.json", "b.sarif", "c.md"]
            .iter()
            .map(|name| directory.path().join(name))
            .collect();
        std::fs::write(&paths[1], b"old").unwrap();
        let files: Vec<(&std::path::PathBuf, Vec<u8>)> = paths
            .iter()
            .map(|path| (path, format!("new {}", path.display()).into_bytes()))
            .collect();
        write_files(&files).unwrap();
        for path in &paths {
            assert_eq!(
                std::fs::read(path).unwrap(),
                format!("new {}", path.display()).into_bytes()
            );
        }
        assert!(leftovers(directory.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_replaced_then_put_back_is_a_link_again() {
        let directory = tempfile::tempdir().unwrap();
        let real = directory.path().join("real.json");
        std::fs::write(&real, b"the real file").unwrap();
        let link = directory.path().join("report.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let blocked = directory.path().join("results.sarif");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("inside"), b"x").unwrap();
        write_files(&[(&link, &b"new"[..]), (&blocked, &b"{}"[..])]).unwrap_err();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&link).unwrap(), b"the real file");
        assert!(leftovers(directory.path()).is_empty());
    }

    #[test]
    fn a_file_that_cannot_be_staged_writes_none() {
        let directory = tempfile::tempdir().unwrap();
        let first = directory.path().join("a.json");
        let second = directory.path().join("missing").join("b.sarif");
        let error = write_files(&[(&first, b"x"), (&second, b"y")])
            .unwrap_err()
            .to_string();
        assert!(error.starts_with(&second.display().to_string()), "{error}");
        assert!(!first.exists());
        assert!(leftovers(directory.path()).is_empty());
    }

    #[test]
    fn a_failed_restore_says_exactly_what_was_written() {
        let directory = tempfile::tempdir().unwrap();
        let kept = directory.path().join("a.json");
        let outcome = roll_back(
            vec![Replaced {
                path: directory.path().join("no-such-dir").join("a.json"),
                directory: directory.path().to_path_buf(),
                backup: None,
            }],
            3,
            std::slice::from_ref(&kept),
        );
        assert!(
            outcome.contains("written with the new contents"),
            "{outcome}"
        );
        assert!(
            outcome.contains(&format!("not written: {}", kept.display())),
            "{outcome}"
        );
    }
}
