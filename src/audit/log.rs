//! [`AuditLog`]: appending to the record, and sealing a line torn by a crash.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use super::{AUDIT_FILE, AuditError, AuditKey, Event, GENESIS, Record, link, redact, sha256_hex};
use crate::state::AuditAnchor;

/// Where a backend other than the local files keeps the record: whole lines, each
/// stored with its seq, appended one at a time in order.
pub trait AuditStore: Send + Sync {
    /// The last line and its seq, if there is one.
    ///
    /// # Errors
    ///
    /// When the store cannot be read.
    fn last(&self) -> Result<Option<(u64, Vec<u8>)>, AuditError>;
    /// Appends `line` as the record `seq`; returns once it is durable. A `seq`
    /// already there is refused: two writers cannot fork the chain.
    ///
    /// # Errors
    ///
    /// When it is not stored.
    fn append(&self, seq: u64, line: &str) -> Result<(), AuditError>;
}

enum Sink {
    /// Opened for appending: every write lands at the end, whatever was read before.
    File(File),
    Store(std::sync::Arc<dyn AuditStore>),
}

/// The open audit record of one run. `Send + Sync`: concurrent changes share one.
pub struct AuditLog {
    path: PathBuf,
    sink: Sink,
    run_id: String,
    clock: Box<dyn Fn() -> SystemTime + Send + Sync>,
    key: Option<AuditKey>,
    chain: Mutex<Chain>,
}

/// Where the chain stands: the last line's seq and hash.
struct Chain {
    seq: u64,
    prev: String,
    /// Set when a write or fsync failed: the file may now end in a torn line, and a
    /// record after it would hide that. The next run seals it instead.
    poisoned: bool,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog")
            .field("path", &self.path)
            .field("run_id", &self.run_id)
            .finish_non_exhaustive()
    }
}

impl AuditLog {
    /// Opens (creating, mode 0600) the audit record in `state_dir` for the run
    /// `run_id`, and finds the last seq and hash from its tail.
    ///
    /// A last line torn by a crash (not a record, or not ended by a newline) is
    /// sealed: a newline and an [`Event::Sealed`] record are appended so the chain
    /// continues from the last whole record. A whole record missing only its
    /// newline is kept and given one.
    ///
    /// The file stays locked (advisory) while the log is open: two writers would
    /// fork the chain.
    ///
    /// # Errors
    ///
    /// [`AuditError::Io`] when the file cannot be opened, read or written;
    /// [`AuditError::Busy`] when another process has it open;
    /// [`AuditError::Corrupt`] when the last lines are damaged beyond a torn line.
    pub fn open(state_dir: &Path, run_id: &str) -> Result<AuditLog, AuditError> {
        AuditLog::open_with_clock(state_dir, run_id, SystemTime::now)
    }

    /// [`AuditLog::open`], chaining the lines this run writes with HMACs of `key`.
    ///
    /// # Errors
    ///
    /// As [`AuditLog::open`].
    pub fn open_keyed(
        state_dir: &Path,
        run_id: &str,
        key: Option<AuditKey>,
    ) -> Result<AuditLog, AuditError> {
        let mut log = AuditLog::open_with_clock(state_dir, run_id, SystemTime::now)?;
        if key.is_some() {
            // The chain's head is re-linked with the key: the next line's `prev` is
            // the HMAC of the last one.
            log.key = key;
            if let Some(last) = log.last_line()? {
                let seq = log.lock().seq;
                log.set_chain(seq, &last);
            }
        }
        Ok(log)
    }

    /// Where the record ends now: what a state write records.
    pub fn head(&self) -> AuditAnchor {
        let chain = self.lock();
        AuditAnchor {
            seq: chain.seq,
            hash: chain.prev.clone(),
            keyed: self.key.is_some(),
        }
    }

    /// [`AuditLog::open`] with the records' times taken from `clock`: for tests that
    /// need times they can predict.
    #[doc(hidden)]
    pub fn open_with_clock(
        state_dir: &Path,
        run_id: &str,
        clock: impl Fn() -> SystemTime + Send + Sync + 'static,
    ) -> Result<AuditLog, AuditError> {
        let path = state_dir.join(AUDIT_FILE);
        let io = |action: &'static str| {
            let path = path.clone();
            move |source| AuditError::Io {
                action,
                path,
                source,
            }
        };
        fs::create_dir_all(state_dir).map_err(|source| AuditError::Io {
            action: "create",
            path: state_dir.to_path_buf(),
            source,
        })?;
        let mut file = open_private(&path).map_err(io("open"))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(AuditError::Busy { path }),
            // Some network filesystems have no locks; the state lock still keeps a
            // second writer out.
            Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {}
            Err(TryLockError::Error(source)) => return Err(io("lock")(source)),
        }
        let tail = Tail::read(&mut file).map_err(io("read"))?;
        // `file` is read again by `last_line`: opened for appending, writes still
        // land at the end.
        let log = AuditLog {
            path: path.clone(),
            sink: Sink::File(file),
            run_id: run_id.to_owned(),
            clock: Box::new(clock),
            key: None,
            chain: Mutex::new(Chain {
                seq: 0,
                prev: GENESIS.to_owned(),
                poisoned: false,
            }),
        };
        let Some(last) = tail.last else {
            return Ok(log);
        };
        if let Ok(record) = serde_json::from_slice::<Record>(&last) {
            if !tail.terminated {
                let file = log.file().expect("opened on a file");
                (&*file).write_all(b"\n").map_err(io("append to"))?;
                file.sync_data().map_err(io("sync"))?;
            }
            log.set_chain(record.seq, &last);
            return Ok(log);
        }
        // A torn last line: the chain continues from the whole record before it.
        if let Some(before) = &tail.before {
            match serde_json::from_slice::<Record>(before) {
                Ok(record) => log.set_chain(record.seq, before),
                Err(e) => {
                    let lines = count_lines(&path).map_err(io("read"))?;
                    return Err(AuditError::Corrupt {
                        path,
                        line: lines.saturating_sub(1),
                        message: e.to_string(),
                    });
                }
            }
        }
        let note = format!(
            "a crash left the line above torn ({} bytes, sha256 {}); it is not part of the chain, which continues from the record before it",
            last.len(),
            sha256_hex(&last)
        );
        let separator: &[u8] = if tail.terminated { b"" } else { b"\n" };
        let sealed = Event::Sealed {
            torn_bytes: last.len() as u64,
            note,
        };
        log.write(sealed, separator)?;
        Ok(log)
    }

    /// Appends one record for `event` and returns it once it is on disk.
    ///
    /// The line is written with one `write` call and then fsync'd; `detail` text is
    /// masked (PII, secrets) first.
    ///
    /// # Errors
    ///
    /// [`AuditError::Io`] when the write or fsync fails; [`AuditError::Poisoned`]
    /// for every append after such a failure.
    pub fn append(&self, event: Event) -> Result<Record, AuditError> {
        self.write(redact::event(event), b"")
    }

    /// The file this log appends to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn set_chain(&self, seq: u64, line: &[u8]) {
        let mut chain = self.lock();
        chain.seq = seq;
        chain.prev = link(line, self.key.as_ref());
    }

    /// The record kept in `store` (named `place` in errors), opened for the run
    /// `run_id`, chained with HMACs of `key` when there is one.
    ///
    /// # Errors
    ///
    /// When the store cannot be read.
    pub fn open_store(
        store: std::sync::Arc<dyn AuditStore>,
        place: &str,
        run_id: &str,
        key: Option<AuditKey>,
    ) -> Result<AuditLog, AuditError> {
        let last = store.last()?;
        let log = AuditLog {
            path: PathBuf::from(place),
            sink: Sink::Store(store),
            run_id: run_id.to_owned(),
            clock: Box::new(SystemTime::now),
            key,
            chain: Mutex::new(Chain {
                seq: 0,
                prev: GENESIS.to_owned(),
                poisoned: false,
            }),
        };
        if let Some((seq, line)) = last {
            log.set_chain(seq, &line);
        }
        Ok(log)
    }

    /// The file the record is appended to, when it is one.
    pub(super) fn file(&self) -> Option<&File> {
        match &self.sink {
            Sink::File(file) => Some(file),
            Sink::Store(_) => None,
        }
    }

    /// The last whole line of the record, if it has one.
    fn last_line(&self) -> Result<Option<Vec<u8>>, AuditError> {
        let file = match &self.sink {
            Sink::File(file) => file,
            Sink::Store(store) => return Ok(store.last()?.map(|(_, line)| line)),
        };
        let tail = Tail::read(&mut &*file).map_err(|source| AuditError::Io {
            action: "read",
            path: self.path.clone(),
            source,
        })?;
        Ok(tail.last)
    }

    fn lock(&self) -> MutexGuard<'_, Chain> {
        // Nothing panics while the lock is held, but a poisoned mutex must not
        // silence the audit record either.
        self.chain
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes `separator` then the record for `event` and its newline, in one call.
    fn write(&self, event: Event, separator: &[u8]) -> Result<Record, AuditError> {
        let io = |action| {
            let path = self.path.clone();
            move |source| AuditError::Io {
                action,
                path,
                source,
            }
        };
        let mut chain = self.lock();
        if chain.poisoned {
            return Err(AuditError::Poisoned {
                path: self.path.clone(),
            });
        }
        let Some(seq) = chain.seq.checked_add(1) else {
            return Err(AuditError::SeqExhausted {
                path: self.path.clone(),
                seq: chain.seq,
            });
        };
        let record = Record {
            seq,
            time: humantime::format_rfc3339_millis((self.clock)()).to_string(),
            run_id: self.run_id.clone(),
            prev: chain.prev.clone(),
            keyed: self.key.is_some(),
            event,
        };
        let line = serde_json::to_string(&record).expect("an audit record serialises");
        let mut bytes = Vec::with_capacity(separator.len() + line.len() + 1);
        bytes.extend_from_slice(separator);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        let file = match &self.sink {
            Sink::File(file) => file,
            Sink::Store(store) => {
                // Under the chain's lock: the store takes lines in seq order. A line
                // it did not take leaves the chain where it was, so a failure does
                // not poison it.
                store.append(record.seq, &line)?;
                chain.seq = record.seq;
                chain.prev = link(line.as_bytes(), self.key.as_ref());
                return Ok(record);
            }
        };
        if let Err(e) = (&*file).write_all(&bytes) {
            chain.poisoned = true;
            return Err(io("append to")(e));
        }
        chain.seq = record.seq;
        chain.prev = link(line.as_bytes(), self.key.as_ref());
        drop(chain);
        // Outside the lock, so that concurrent appenders queue their writes behind
        // one fsync instead of one fsync each: a sync covers every write before it.
        if let Err(e) = file.sync_data() {
            self.lock().poisoned = true;
            return Err(io("sync")(e));
        }
        Ok(record)
    }
}

impl Drop for AuditLog {
    fn drop(&mut self) {
        // The lock belongs to the open file description, which a child forked by
        // another thread (a hook, a test's next process) shares until its exec
        // closes it: closing our descriptor would leave the record locked that
        // long, an explicit unlock does not.
        if let Some(file) = self.file() {
            let _ = file.unlock();
        }
    }
}

fn open_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // A file created before, or by hand, may be readable by others: the record names
    // who changed what, so it is tightened like the state.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(file)
}

fn count_lines(path: &Path) -> std::io::Result<u64> {
    let bytes = fs::read(path)?;
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    Ok(newlines + u64::from(bytes.last().is_some_and(|&b| b != b'\n')))
}

/// The last two lines of the file, read from the end so that opening a long record
/// does not read all of it.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Tail {
    pub last: Option<Vec<u8>>,
    pub before: Option<Vec<u8>>,
    /// Whether the last line ends with a newline.
    pub terminated: bool,
}

impl Tail {
    fn read(mut file: impl Read + Seek) -> std::io::Result<Tail> {
        let len = file.seek(SeekFrom::End(0))?;
        let mut window = len.min(8 * 1024);
        loop {
            file.seek(SeekFrom::Start(len - window))?;
            let mut buf = Vec::with_capacity(window as usize);
            (&mut file).take(window).read_to_end(&mut buf)?;
            if let Some(tail) = Tail::parse(&buf, window == len) {
                return Ok(tail);
            }
            window = (window * 2).min(len);
        }
    }

    /// The tail of `buf`, the last bytes of the file (all of it when `whole`); `None`
    /// when `buf` does not reach back far enough to hold both lines whole.
    pub(super) fn parse(buf: &[u8], whole: bool) -> Option<Tail> {
        if buf.is_empty() {
            return Some(Tail::default());
        }
        let terminated = buf.last() == Some(&b'\n');
        let body = if terminated {
            &buf[..buf.len() - 1]
        } else {
            buf
        };
        let (last, rest) = match body.iter().rposition(|&b| b == b'\n') {
            Some(i) => (&body[i + 1..], Some(&body[..i])),
            None if whole => (body, None),
            None => return None,
        };
        let before = match rest {
            None => None,
            Some(rest) => match rest.iter().rposition(|&b| b == b'\n') {
                Some(j) => Some(&rest[j + 1..]),
                None if whole => Some(rest),
                None => return None,
            },
        };
        Some(Tail {
            last: Some(last.to_vec()),
            before: before.map(<[u8]>::to_vec),
            terminated,
        })
    }
}
