//! A moto server for tests: started on a free loopback port under a watchdog that quits
//! when the test binary exits, however it exits. Shared by the providers crate's AWS tests
//! and the end-to-end CLI tests (`#[path]`-included by both).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A moto server on a loopback port. Dropping it stops it.
pub struct Moto {
    pub port: u16,
    pub child: Option<Child>,
}

impl Moto {
    /// An endpoint this process does not own (a proxy in front of moto).
    pub fn external(port: u16) -> Moto {
        Moto { port, child: None }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// moto's server with the CBOR bridge CloudWatch needs (tests/support/moto_server.py, which
/// the benchmarks run too), quitting as soon as stdin reaches end of file — that is, as soon
/// as the test binary that holds the other end of the pipe exits, for whatever reason.
const MOTO_SERVER: &str = include_str!("moto_server.py");

pub fn moto_python() -> Option<PathBuf> {
    let path = match std::env::var_os("SOC2SCAN_MOTO_PYTHON") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
            .join(".cache/soc2scan/tools/venv-moto/bin/python"),
    };
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "moto's python {} does not exist; under CI the moto tests must run \
             (set SOC2SCAN_MOTO_PYTHON or let .ci/test create the venv)",
            path.display()
        );
    }
    // Straight to stderr, past the test harness's capture, once per binary.
    static NOTE: std::sync::Once = std::sync::Once::new();
    NOTE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "note: skipping the moto tests: {} does not exist (set SOC2SCAN_MOTO_PYTHON \
             to a python with moto[server] installed)",
            path.display()
        );
    });
    None
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

pub fn start_moto(python: &Path, extra_env: &[(&str, &str)]) -> Moto {
    start_moto_with(python, extra_env, &[])
}

/// [`start_moto`] with switches of tests/support/moto_server.py
/// (`--assumed-roles-must-exist`).
pub fn start_moto_with(python: &Path, extra_env: &[(&str, &str)], switches: &[&str]) -> Moto {
    let port = free_port();
    let log = std::env::temp_dir().join(format!("soc2scan-moto-{port}.log"));
    let log_file = std::fs::File::create(&log).expect("moto log file");
    let mut command = Command::new(python);
    command
        .args(["-c", MOTO_SERVER, "--exit-with-stdin"])
        .args(switches)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        .env_remove("MOTO_ACCOUNT_ID")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(log_file.try_clone().expect("moto log file"));
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let child = command.spawn().expect("start moto");
    let mut moto = Moto {
        port,
        child: Some(child),
    };
    let started = Instant::now();
    loop {
        if let Ok((200, _)) = http(port, "GET", "/moto-api/", &[], "") {
            return moto;
        }
        if let Some(Ok(Some(status))) = moto.child.as_mut().map(Child::try_wait) {
            panic!(
                "moto exited with {status} before answering: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        if started.elapsed() > Duration::from_secs(90) {
            panic!(
                "moto did not answer on port {port} within 90 s: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A minimal HTTP/1.1 client for moto's own API and for the one call (CloudWatch Logs'
/// CreateLogGroup) that no SDK crate in this build speaks.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}
