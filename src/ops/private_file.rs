//! Files only their owner may read (mode 0600), for what holds the org's content.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use super::OpsError;
use crate::state::write_atomically;

/// Writes `bytes` to `path` with mode 0600. With `overwrite`, as the state is
/// written: through a temporary file, so that no reader sees half of it. Without,
/// never over a file that exists, however recently it appeared.
pub(super) fn write_private(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), OpsError> {
    if overwrite {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        return Ok(write_atomically(dir, path, bytes)?);
    }
    let io = |action| {
        move |source| OpsError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    };
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => OpsError::Exists {
            path: path.to_path_buf(),
        },
        _ => io("create")(source),
    })?;
    file.write_all(bytes).map_err(io("write"))?;
    file.sync_all().map_err(io("sync"))
}
