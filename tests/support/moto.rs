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

/// Runs moto's server, and quits as soon as stdin reaches end of file — that is, as soon
/// as the test binary that holds the other end of the pipe exits, for whatever reason.
///
/// It also bridges the Smithy RPC v2 CBOR protocol, which the Rust SDK speaks to CloudWatch
/// and moto 5.1 does not: a request to `/service/SERVICE/operation/OPERATION` with
/// `smithy-protocol: rpc-v2-cbor` is decoded (botocore's own CBOR parser), handed to moto as
/// the same operation in the service's JSON protocol, and moto's answer is encoded back to
/// CBOR against the operation's output shape (botocore's own CBOR serializer); errors keep
/// their status and carry `__type` and `message`. Every other request reaches moto as it
/// came. The bridged request's body differs from the signed one, so moto's IAM enforcement
/// cannot check its signature: tests deny bridged calls through the fault proxy instead.
const WATCHDOG: &str = r##"
import os, sys, threading, io, json
def watch():
    sys.stdin.read()
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()

import botocore.session
from botocore.parsers import RpcV2CBORParser
from botocore.serialize import RpcV2CBORSerializer
import moto.server

_session = botocore.session.get_session()
_models = {}

def _model(target_prefix):
    if not _models:
        for name in ("cloudwatch",):
            model = _session.get_service_model(name)
            _models[model.metadata["targetPrefix"]] = model
    return _models.get(target_prefix)

def _prune(value, shape):
    # Keep what the shape knows, so the serializer never meets a key it lacks.
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        return {k: _prune(v, shape.members[k]) for k, v in value.items()
                if k in shape.members and v is not None}
    if kind == "list":
        return [_prune(v, shape.member) for v in value]
    if kind == "map":
        return {k: _prune(v, shape.value) for k, v in value.items()}
    return value

def _encode(value, shape):
    out = bytearray()
    RpcV2CBORSerializer()._serialize_data_item(out, _prune(value, shape), shape)
    return bytes(out)

def _error(code, message):
    out = bytearray([0xA2])
    for key, text in (("__type", code), ("message", message)):
        for item in (key, text):
            data = item.encode()
            if len(data) < 24:
                out.append(0x60 | len(data))
            elif len(data) < 256:
                out.extend([0x78, len(data)])
            else:
                out.extend([0x79, len(data) >> 8, len(data) & 0xFF])
            out.extend(data)
    return bytes(out)

def _default(value):
    if hasattr(value, "timestamp"):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        import base64
        return base64.b64encode(value).decode()
    raise TypeError(type(value))

class CborBridge:
    def __init__(self, app):
        self.app = app

    def __getattr__(self, name):
        return getattr(self.app, name)

    def __setattr__(self, name, value):
        if name == "app":
            object.__setattr__(self, name, value)
        else:
            setattr(self.app, name, value)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("HTTP_SMITHY_PROTOCOL") != "rpc-v2-cbor" or "/operation/" not in path:
            return self.app(environ, start_response)
        prefix, operation = path.split("/service/", 1)[1].split("/operation/", 1)
        model = _model(prefix)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        if model is None:
            start_response("400 Bad Request", [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")])
            return [_error("UnknownOperationException", prefix)]
        parser = RpcV2CBORParser()
        params = parser.parse_data_item(parser.get_peekable_stream_from_bytes(body)) if body else {}
        data = json.dumps(params or {}, default=_default).encode()
        bridged = dict(environ)
        bridged.update({
            "PATH_INFO": "/",
            "CONTENT_TYPE": "application/x-amz-json-1.0",
            "HTTP_X_AMZ_TARGET": prefix + "." + operation,
            "CONTENT_LENGTH": str(len(data)),
            "wsgi.input": io.BytesIO(data),
        })
        bridged.pop("HTTP_SMITHY_PROTOCOL", None)
        answer = {}
        def capture(status, headers, exc_info=None):
            answer["status"] = status
        raw = b"".join(self.app(bridged, capture))
        status = answer.get("status", "500 Internal Server Error")
        try:
            decoded = json.loads(raw or b"{}")
        except ValueError:
            decoded = {"__type": "InternalFailure", "message": raw.decode(errors="replace")}
        if status.startswith("2"):
            output = model.operation_model(operation).output_shape
            payload = _encode(decoded, output) if output is not None else b"\xa0"
        else:
            code = str(decoded.get("__type", "InternalFailure")).split("#")[-1]
            payload = _error(code, str(decoded.get("message", decoded.get("Message", ""))))
        start_response(status, [
            ("Content-Type", "application/cbor"),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("Content-Length", str(len(payload))),
        ])
        return [payload]

_dispatcher = moto.server.DomainDispatcherApplication
moto.server.DomainDispatcherApplication = lambda *a, **k: CborBridge(_dispatcher(*a, **k))
moto.server.main(sys.argv[1:])
"##;

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
    let port = free_port();
    let log = std::env::temp_dir().join(format!("soc2scan-moto-{port}.log"));
    let log_file = std::fs::File::create(&log).expect("moto log file");
    let mut command = Command::new(python);
    command
        .args(["-c", WATCHDOG, "-H", "127.0.0.1", "-p", &port.to_string()])
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
