//! A throwaway PostgreSQL cluster from the system's binaries: one per test binary
//! (started on first use), one database per test. `initdb` and `pg_ctl` refuse to
//! run as root, so they run as `nobody` in a temporary directory it owns, with the
//! socket there and a free port on 127.0.0.1. The server has TLS on, with a
//! certificate from a certificate authority made for it.
//!
//! Stopping: a guard process, started with a pipe from this process as its input,
//! stops the server and removes its directory when that pipe closes — when this
//! process exits, however it exits, so no server outlives `cargo test`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The superuser's password: tests check it never shows.
pub const PASSWORD: &str = "pg-s3cret-pw";

pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
    bin: PathBuf,
    /// Its stdin is the pipe whose closing stops the server.
    _guard: Child,
}

/// The directory of `initdb`, `pg_ctl` and `psql`, if PostgreSQL is installed.
fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists() && b.join("pg_ctl").exists())
        .collect();
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop()
}

/// The shared cluster, or `None` (after saying so on stderr) when there is no
/// PostgreSQL here; with `ASSISTFORM_REQUIRE_PG` set that is a failure instead.
pub fn shared() -> Option<&'static Cluster> {
    static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
    let cluster = SHARED.get_or_init(Cluster::start).as_ref();
    if cluster.is_none() {
        let why = "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin";
        assert!(
            std::env::var_os("ASSISTFORM_REQUIRE_PG").is_none(),
            "ASSISTFORM_REQUIRE_PG is set, but there are {why}"
        );
        eprintln!("SKIPPED: {why} (install Debian's `postgresql` package to run this test)");
    }
    cluster
}

fn sh(program: &Path, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} {args:?}: {}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn as_nobody(program: &Path, args: &[&str]) {
    let mut all = vec!["-u", "nobody", "--", program.to_str().expect("utf-8 path")];
    all.extend(args);
    sh(Path::new("runuser"), &all);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Cluster {
    /// A new cluster of its own, started; `None` when PostgreSQL is not installed.
    pub fn start() -> Option<Cluster> {
        let bin = bin_dir()?;
        let dir = tempfile::Builder::new()
            .prefix("assistform-pg-")
            .tempdir()
            .expect("temp dir")
            .keep();
        certificates(&dir);
        std::fs::write(dir.join("pwfile"), PASSWORD).expect("pwfile");
        sh(
            Path::new("chown"),
            &["-R", "nobody:nogroup", dir.to_str().expect("utf-8")],
        );
        let data = dir.join("data");
        let data_s = data.to_str().expect("utf-8").to_owned();
        let pwfile = dir.join("pwfile");
        as_nobody(
            &bin.join("initdb"),
            &[
                "-D",
                &data_s,
                "-U",
                "postgres",
                "-A",
                "scram-sha-256",
                "--pwfile",
                pwfile.to_str().expect("utf-8"),
                "--no-sync",
                "--no-instructions",
            ],
        );
        let port = free_port();
        let cluster_dir = dir.to_str().expect("utf-8").to_owned();
        let options = format!(
            "-p {port} -k {cluster_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on -c ssl_cert_file={cluster_dir}/server.crt -c ssl_key_file={cluster_dir}/server.key -c max_connections=200"
        );
        let log = dir.join("log");
        // The guard first: should the start fail half-way, the server still stops.
        let guard = Command::new("runuser")
            .args(["-u", "nobody", "--", "sh", "-c"])
            .arg(r#"read _; "$0" -D "$1" stop -m immediate >/dev/null 2>&1; rm -rf "$2""#)
            .arg(bin.join("pg_ctl"))
            .arg(&data)
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the guard starts");
        let cluster = Cluster {
            dir,
            port,
            bin,
            _guard: guard,
        };
        cluster.pg_ctl_start(&options, &log);
        std::fs::write(cluster.dir.join("options"), &options).expect("options");
        Some(cluster)
    }

    fn pg_ctl_start(&self, options: &str, log: &Path) {
        as_nobody(
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                self.dir.join("data").to_str().expect("utf-8"),
                "-l",
                log.to_str().expect("utf-8"),
                "-o",
                options,
                "-w",
                "start",
            ],
        );
    }

    /// Stops the server at once, as a crash or a lost network would end sessions.
    pub fn stop(&self) {
        as_nobody(
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                self.dir.join("data").to_str().expect("utf-8"),
                "stop",
                "-m",
                "immediate",
            ],
        );
    }

    /// Starts it again after [`Cluster::stop`].
    pub fn restart(&self) {
        let options = std::fs::read_to_string(self.dir.join("options")).expect("options");
        self.pg_ctl_start(&options, &self.dir.join("log"));
    }

    /// Runs `sql` with psql in database `db`; returns what it printed (tuples only).
    pub fn psql(&self, db: &str, sql: &str) -> String {
        self.try_psql(db, sql)
            .unwrap_or_else(|e| panic!("psql {sql}: {e}"))
    }

    /// [`Cluster::psql`], or the error it printed.
    pub fn try_psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            .args([
                "-d",
                db,
                "-X",
                "-q",
                "-t",
                "-A",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ])
            .env("PGPASSWORD", PASSWORD)
            .env("PGSSLMODE", "disable")
            .output()
            .expect("psql runs");
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// A new, empty database for one test; returns its name.
    pub fn database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "t{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        name
    }

    /// The connection string of `db`, with the password.
    pub fn conn_str(&self, db: &str) -> String {
        format!(
            "postgres://postgres:{PASSWORD}@127.0.0.1:{}/{db}",
            self.port
        )
    }

    /// The certificate authority that signed the server's certificate.
    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }

    /// A certificate authority that did not.
    pub fn wrong_ca(&self) -> PathBuf {
        self.dir.join("wrong-ca.crt")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // The guard stops the server when its input closes: now, or at exit.
        if let Some(mut input) = self._guard.stdin.take() {
            let _ = input.write_all(b"\n");
        }
        let _ = self._guard.wait();
    }
}

/// A certificate authority, a server certificate it signs for 127.0.0.1 and
/// `localhost`, and another authority that signs nothing, made with `openssl`.
fn certificates(dir: &Path) {
    let openssl = Path::new("openssl");
    let at = |name: &str| dir.join(name).to_str().expect("utf-8").to_owned();
    for ca in ["ca", "wrong-ca"] {
        sh(
            openssl,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-subj",
                &format!("/CN=assistform test {ca}"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout",
                &at(&format!("{ca}.key")),
                "-out",
                &at(&format!("{ca}.crt")),
            ],
        );
    }
    sh(
        openssl,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            &at("server.key"),
            "-out",
            &at("server.csr"),
        ],
    );
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("extensions");
    sh(
        openssl,
        &[
            "x509",
            "-req",
            "-in",
            &at("server.csr"),
            "-CA",
            &at("ca.crt"),
            "-CAkey",
            &at("ca.key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &at("server.ext"),
            "-out",
            &at("server.crt"),
        ],
    );
    std::fs::set_permissions(
        dir.join("server.key"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("key mode");
}
