//! Reading a file named from outside — a configuration file, a `--var-file`, a saved
//! plan — so that it can neither hang the run nor exhaust memory: links are followed,
//! anything but a regular file is refused before it is opened, and at most a limit
//! of bytes is read.

use std::fs::{self, File, FileType};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputFileError {
    #[error("cannot read `{}`: it is a symbolic link to `{}`, which does not exist", shown(path), target.display())]
    BrokenLink { path: PathBuf, target: PathBuf },
    #[error("cannot read `{}`: it is {kind}, not a regular file", shown(path))]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("cannot read `{}`: it is larger than the limit of {}", shown(path), size(*limit))]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("cannot read `{}`: {source}", shown(path))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl InputFileError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            InputFileError::BrokenLink { path, .. }
            | InputFileError::NotRegular { path, .. }
            | InputFileError::TooLarge { path, .. }
            | InputFileError::Io { path, .. } => path,
        }
    }
}

/// The bytes of the regular file at `path` (through any symbolic links), at most
/// `limit` of them.
///
/// # Errors
///
/// [`InputFileError`] naming `path`: a broken link, something other than a regular
/// file (a directory, a FIFO, a device), a file over `limit` bytes, or a failed read.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, InputFileError> {
    let io = |source| InputFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Looked at before opening: opening a FIFO blocks until something writes to it,
    // and a device such as /dev/zero never ends.
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(match fs::read_link(path) {
                Ok(target) => InputFileError::BrokenLink {
                    path: path.to_path_buf(),
                    target,
                },
                Err(_) => io(e),
            });
        }
        Err(e) => return Err(io(e)),
    };
    if !metadata.is_file() {
        return Err(InputFileError::NotRegular {
            path: path.to_path_buf(),
            kind: kind(&metadata.file_type()),
        });
    }
    let too_large = || InputFileError::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    if metadata.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    // Capped again while reading: the file may have grown since it was looked at.
    File::open(path)
        .map_err(io)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if u64::try_from(bytes.len()).map_or(true, |n| n > limit) {
        return Err(too_large());
    }
    Ok(bytes)
}

fn kind(file_type: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "something else"
    }
}

fn shown(path: &Path) -> String {
    display_name(path)
}

/// The name a diagnostic shows for `path`: as the user wrote it, without a leading `./`.
pub fn display_name(path: &Path) -> String {
    let shown = path.display().to_string();
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}

/// `limit` bytes in the largest whole unit that fits, for messages.
fn size(limit: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if limit >= MIB && limit.is_multiple_of(MIB) {
        format!("{} MiB", limit / MIB)
    } else {
        format!("{limit} bytes")
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_through_a_link_is_read_and_a_larger_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.hcl");
        fs::write(&file, "0123456789").unwrap();
        let link = dir.path().join("b.hcl");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(read(&link, 10).unwrap(), b"0123456789");
        let err = read(&link, 9).unwrap_err();
        assert!(matches!(err, InputFileError::TooLarge { .. }), "{err}");
        assert_eq!(err.path(), link);
    }

    #[test]
    fn broken_links_directories_and_devices_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("gone.hcl");
        std::os::unix::fs::symlink("nowhere.hcl", &link).unwrap();
        let message = read(&link, 100).unwrap_err().to_string();
        assert!(
            message.contains("gone.hcl") && message.contains("`nowhere.hcl`, which does not exist"),
            "{message}"
        );
        let message = read(dir.path(), 100).unwrap_err().to_string();
        assert!(
            message.ends_with("it is a directory, not a regular file"),
            "{message}"
        );
        let message = read(Path::new("/dev/zero"), 100).unwrap_err().to_string();
        assert_eq!(
            message,
            "cannot read `/dev/zero`: it is a device, not a regular file"
        );
    }
}
