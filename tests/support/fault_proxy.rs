//! A loopback HTTP proxy in front of moto that answers chosen requests itself and forwards
//! every other request unchanged: how a test makes one call fail through the real SDK.
//!
//! [`start_proxy`] takes a rule that looks at each request (request line, headers and body)
//! and says what to do with it. [`start_denying_proxy`] is the rule the data-store tests use:
//! it answers chosen requests with `AccessDeniedException` — one key's `GetKeyPolicy`, one
//! table's `DescribeContinuousBackups` — which moto's own IAM enforcement cannot do (it
//! authorizes every data-store call against the resource `*`). A request is denied when its
//! text (compared case-insensitively) contains every fragment of one of the denials; the
//! proxy counts the requests each denial answered, so a test can check that the denied call
//! was really made.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A running proxy: its port, and how many requests each denial answered.
pub struct FaultProxy {
    pub port: u16,
    denied: Arc<Mutex<Vec<usize>>>,
}

impl FaultProxy {
    /// How many requests denial `index` answered so far.
    pub fn denied(&self, index: usize) -> usize {
        self.denied.lock().map(|counts| counts[index]).unwrap_or(0)
    }
}

/// What the proxy does with one request.
pub enum Answer {
    /// Forward it to moto and relay moto's answer.
    Forward,
    /// Answer with this whole HTTP response.
    Respond(Vec<u8>),
    /// Never answer (a call that outlasts every timeout); the connection is dropped after a
    /// minute.
    Stall,
}

/// Starts a proxy forwarding to `upstream` (a loopback port) that asks `rule` about every
/// request first. Each client connection is served on its own thread and opens its own
/// upstream connection per request.
pub fn start_proxy(upstream: u16, rule: impl Fn(&[u8]) -> Answer + Send + Sync + 'static) -> u16 {
    let rule = Arc::new(rule);
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("bound").port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let rule = rule.clone();
            std::thread::spawn(move || serve(client, upstream, &*rule));
        }
    });
    port
}

/// Starts a proxy forwarding to `upstream` that denies the requests matching `denials`
/// (each a list of fragments that must all appear).
pub fn start_denying_proxy(upstream: u16, denials: Vec<Vec<String>>) -> FaultProxy {
    let denials: Vec<Vec<String>> = denials
        .into_iter()
        .map(|fragments| fragments.iter().map(|f| f.to_ascii_lowercase()).collect())
        .collect();
    let denied = Arc::new(Mutex::new(vec![0; denials.len()]));
    let counts = denied.clone();
    let port = start_proxy(upstream, move |request| {
        let text = String::from_utf8_lossy(request).to_ascii_lowercase();
        let Some(index) = denials
            .iter()
            .position(|fragments| fragments.iter().all(|f| text.contains(f.as_str())))
        else {
            return Answer::Forward;
        };
        if let Ok(mut counts) = counts.lock() {
            counts[index] += 1;
        }
        let body = "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized to perform this action on this resource (soc2scan fault proxy)\"}";
        Answer::Respond(
            format!(
                "HTTP/1.1 403 Forbidden\r\nContent-Type: application/x-amz-json-1.1\r\n\
                 x-amzn-ErrorType: AccessDeniedException\r\nx-amzn-RequestId: fault-proxy\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    });
    FaultProxy { port, denied }
}

fn read_message(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut message = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    let header_end = loop {
        if let Some(end) = message.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut buffer).ok()?;
        if read == 0 {
            return None;
        }
        message.extend_from_slice(&buffer[..read]);
    };
    let headers = String::from_utf8_lossy(&message[..header_end]).to_ascii_lowercase();
    let length: usize = headers
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    while message.len() < header_end + length {
        let read = stream.read(&mut buffer).ok()?;
        if read == 0 {
            return None;
        }
        message.extend_from_slice(&buffer[..read]);
    }
    Some(message)
}

fn serve(mut client: TcpStream, upstream: u16, rule: &dyn Fn(&[u8]) -> Answer) {
    while let Some(request) = read_message(&mut client) {
        let response = match rule(&request) {
            Answer::Respond(response) => response,
            Answer::Stall => {
                std::thread::sleep(std::time::Duration::from_secs(60));
                return;
            }
            Answer::Forward => {
                let Ok(mut moto) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    return;
                };
                if moto.write_all(&request).is_err() {
                    return;
                }
                match read_message(&mut moto) {
                    Some(response) => response,
                    None => return,
                }
            }
        };
        if client.write_all(&response).is_err() {
            return;
        }
    }
}
