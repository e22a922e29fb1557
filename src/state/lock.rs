//! The state lock: an OS advisory lock on `assistform.lock`, and the holder's name in
//! `assistform.lock.info`, so a second run waits or says who holds it.
//!
//! The OS releases the lock when its holder dies, however it dies; the info file is
//! removed only by a holder that finishes. So an info file found by whoever gets the
//! lock tells that the previous run did not finish.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub const LOCK_FILE: &str = "assistform.lock";
pub const LOCK_INFO_FILE: &str = "assistform.lock.info";

/// Who holds (or held) the lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    pub pid: u32,
    pub host: String,
    pub operation: String,
    pub time: String,
    /// The CI job that runs it, when a CI system names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_job: Option<String>,
}

impl LockInfo {
    /// This process, running `operation`, now.
    pub fn this_process(operation: &str) -> LockInfo {
        LockInfo {
            pid: std::process::id(),
            host: hostname(),
            operation: operation.to_owned(),
            time: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            ci_job: ci_job(),
        }
    }
}

/// CI systems' variables that link to the running job, checked in order.
fn ci_job() -> Option<String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let (Some(server), Some(repo), Some(run)) = (
        var("GITHUB_SERVER_URL"),
        var("GITHUB_REPOSITORY"),
        var("GITHUB_RUN_ID"),
    ) {
        return Some(format!("{server}/{repo}/actions/runs/{run}"));
    }
    [
        "CI_JOB_URL",
        "BUILD_URL",
        "BUILDKITE_BUILD_URL",
        "CIRCLE_BUILD_URL",
    ]
    .iter()
    .find_map(|name| var(name))
}

impl std::fmt::Display for LockInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` (pid {} on {}, since {}",
            self.operation, self.pid, self.host, self.time
        )?;
        match &self.ci_job {
            Some(job) => write!(f, ", CI job {job})"),
            None => f.write_str(")"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// `place` is the state's directory in backticks, or the database's name.
    #[error("the state in {place} is locked by {}; try again when it finishes, or wait longer with `--lock-timeout`", holder.as_ref().map_or_else(|| "another process".to_owned(), ToString::to_string))]
    Held {
        place: String,
        holder: Option<Box<LockInfo>>,
    },
    #[error("cannot lock the state in {place}: {message}")]
    Database { place: String, message: String },
    #[error("cannot lock `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The held lock; released when dropped.
#[derive(Debug)]
pub struct StateLock {
    file: File,
    info: PathBuf,
    /// The run that held the lock before and did not finish, if any.
    pub unfinished: Option<LockInfo>,
}

impl StateLock {
    /// Takes the lock on the state in `dir` for `operation`, waiting up to `timeout`.
    ///
    /// # Errors
    ///
    /// [`LockError::Held`] naming the holder when it is still held after `timeout`.
    pub fn acquire(dir: &Path, operation: &str, timeout: Duration) -> Result<StateLock, LockError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LockError::Io { path, source }
        };
        fs::create_dir_all(dir).map_err(io(dir))?;
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        let info = dir.join(LOCK_INFO_FILE);
        // A timeout too long to add to the clock waits for as long as it takes.
        let deadline = Instant::now().checked_add(timeout);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock)
                    if deadline.is_none_or(|deadline| Instant::now() < deadline) =>
                {
                    std::thread::sleep(Duration::from_millis(50).min(timeout));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(LockError::Held {
                        place: format!("`{}`", dir.display()),
                        holder: read_info(&info).map(Box::new),
                    });
                }
                Err(fs::TryLockError::Error(source)) => return Err(LockError::Io { path, source }),
            }
        }
        let unfinished = read_info(&info);
        let holder = LockInfo::this_process(operation);
        let text = serde_json::to_vec_pretty(&holder).expect("lock info serialises");
        super::write_atomically(dir, &info, &text).map_err(|e| LockError::Io {
            path: info.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        Ok(StateLock {
            file,
            info,
            unfinished,
        })
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        // Only a run that finishes removes its info: see the module comment.
        let _ = fs::remove_file(&self.info);
        // The lock belongs to the open file description, which a child forked by
        // another thread shares until its exec closes it: closing our descriptor
        // would leave the lock held that long, an explicit unlock does not.
        let _ = self.file.unlock();
    }
}

fn read_info(path: &Path) -> Option<LockInfo> {
    serde_json::from_slice(&fs::read(path).ok()?).ok()
}

pub(crate) fn hostname() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown host".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_and_told_who_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = StateLock::acquire(dir.path(), "apply", Duration::ZERO).unwrap();
        assert_eq!(first.unfinished, None);
        let err = StateLock::acquire(dir.path(), "plan", Duration::from_millis(120)).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("`apply`"), "{message}");
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        drop(first);
        let again = StateLock::acquire(dir.path(), "plan", Duration::ZERO).unwrap();
        assert_eq!(
            again.unfinished, None,
            "a holder that finished leaves no info"
        );
    }

    #[test]
    fn a_dropped_lock_is_free_while_a_forked_child_still_shares_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let first = StateLock::acquire(dir.path(), "apply", Duration::ZERO).unwrap();
        // What a child forked by another thread holds until its exec: a copy of the
        // descriptor, sharing the open file description and so the lock.
        let childs_copy = first.file.try_clone().unwrap();
        drop(first);
        StateLock::acquire(dir.path(), "plan", Duration::ZERO)
            .expect("free as soon as its holder dropped it");
        drop(childs_copy);
    }

    #[test]
    fn a_holder_that_died_is_reported_as_unfinished() {
        let dir = tempfile::tempdir().unwrap();
        // What a killed holder leaves behind: its info, and no OS lock (the kernel
        // released that with the process).
        let dead = LockInfo {
            pid: 4242,
            host: "ci-runner".into(),
            operation: "apply".into(),
            time: "2026-11-23T12:00:00Z".into(),
            ci_job: None,
        };
        fs::write(
            dir.path().join(LOCK_INFO_FILE),
            serde_json::to_vec(&dead).unwrap(),
        )
        .unwrap();
        let next = StateLock::acquire(dir.path(), "plan", Duration::ZERO).unwrap();
        assert_eq!(next.unfinished, Some(dead));
        drop(next);
        assert!(!dir.path().join(LOCK_INFO_FILE).exists());
    }
}
