//! A loopback HTTP proxy in front of moto that answers chosen requests with
//! `AccessDeniedException` and forwards every other request unchanged: how a test denies one
//! call for one resource (one key's `GetKeyPolicy`, one table's `DescribeContinuousBackups`)
//! through the real SDK, which moto's own IAM enforcement cannot do (it authorizes every
//! data-store call against the resource `*`).
//!
//! A request is denied when its text (request line, headers and body, compared
//! case-insensitively) contains every fragment of one of the denials; the proxy counts the
//! requests each denial answered, so a test can check that the denied call was really made.

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

/// Starts a proxy forwarding to `upstream` (a loopback port) that denies the requests
/// matching `denials` (each a list of fragments that must all appear).
pub fn start_denying_proxy(upstream: u16, denials: Vec<Vec<String>>) -> FaultProxy {
    let denials: Arc<Vec<Vec<String>>> = Arc::new(
        denials
            .into_iter()
            .map(|fragments| fragments.iter().map(|f| f.to_ascii_lowercase()).collect())
            .collect(),
    );
    let denied = Arc::new(Mutex::new(vec![0; denials.len()]));
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("bound").port();
    let counts = denied.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let denials = denials.clone();
            let counts = counts.clone();
            std::thread::spawn(move || serve(client, upstream, &denials, &counts));
        }
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

fn serve(
    mut client: TcpStream,
    upstream: u16,
    denials: &[Vec<String>],
    counts: &Mutex<Vec<usize>>,
) {
    while let Some(request) = read_message(&mut client) {
        let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
        let denial = denials
            .iter()
            .position(|fragments| fragments.iter().all(|f| text.contains(f.as_str())));
        let response = match denial {
            Some(index) => {
                if let Ok(mut counts) = counts.lock() {
                    counts[index] += 1;
                }
                let body = "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized to perform this action on this resource (soc2scan fault proxy)\"}";
                format!(
                    "HTTP/1.1 403 Forbidden\r\nContent-Type: application/x-amz-json-1.1\r\n\
                     x-amzn-ErrorType: AccessDeniedException\r\nx-amzn-RequestId: fault-proxy\r\n\
                     Content-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes()
            }
            None => {
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
