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
//!
//! [`start_chaos_proxy`] is the fault-injecting proxy of the throttling tests: at a given
//! rate, drawn from a seeded generator, it answers a request with a throttling error in the
//! request's own protocol, a plain 503 or 500, a dropped connection, or a slow answer, and
//! it records the most requests in flight at once per account and when each request came.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

// ---------------------------------------------------------------------------------------
// The chaos proxy
// ---------------------------------------------------------------------------------------

/// What [`start_chaos_proxy`] does.
#[derive(Debug, Clone)]
pub struct ChaosOptions {
    /// The share of requests answered with a fault (0.3: 30%), each fault drawn at random
    /// among [`Fault::ALL`].
    pub fault_rate: f64,
    /// The generator's seed: the same seed draws the same faults for the same sequence of
    /// requests.
    pub seed: u64,
    /// How long a [`Fault::Slow`] request is held before it is forwarded: shorter than the
    /// client's attempt timeout it is a slow answer, longer it is a stall the client must
    /// cut off and retry.
    pub slow: Duration,
    /// Held before forwarding every request (so that concurrency builds up in a test).
    pub latency: Duration,
    /// Answer the first request of every operation (`X-Amz-Target`, `Action=`, or the
    /// request line of REST calls) with a throttling error, whatever `fault_rate` draws: a
    /// deterministic check that every protocol's throttling error is read and retried.
    pub throttle_each_operation_once: bool,
}

impl Default for ChaosOptions {
    fn default() -> Self {
        ChaosOptions {
            fault_rate: 0.0,
            seed: 13,
            slow: Duration::from_millis(800),
            latency: Duration::ZERO,
            throttle_each_operation_once: false,
        }
    }
}

/// A fault the chaos proxy injects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// A throttling error in the request's protocol: `<Code>RequestLimitExceeded</Code>`
    /// (EC2) or `<Code>Throttling</Code>` (the other query services) with HTTP 400,
    /// `ThrottlingException` in `__type` and `x-amzn-ErrorType` (JSON and REST-JSON, 400),
    /// `SlowDown` (S3, 503), a CBOR `__type` of `ThrottlingException` (Smithy RPC v2
    /// CBOR, 400). The 400s are retried only if the SDK reads the code, so they check that
    /// each protocol's throttling is recognised.
    Throttle,
    /// HTTP 503 with an empty body.
    Unavailable,
    /// HTTP 500 with an empty body.
    Internal,
    /// The connection is closed without an answer.
    Reset,
    /// The request is held for [`ChaosOptions::slow`], then forwarded.
    Slow,
}

impl Fault {
    /// Every fault, in the order they are drawn.
    pub const ALL: [Fault; 5] = [
        Fault::Throttle,
        Fault::Unavailable,
        Fault::Internal,
        Fault::Reset,
        Fault::Slow,
    ];
}

/// A running chaos proxy and what it saw.
#[derive(Clone)]
pub struct ChaosProxy {
    pub port: u16,
    stats: Arc<Mutex<ChaosStats>>,
}

#[derive(Default)]
struct ChaosStats {
    /// A seeded xorshift state.
    random: u64,
    faults: BTreeMap<Fault, usize>,
    /// By throttling protocol (`ec2`, `query`, `json`, `s3`, `cbor`).
    throttles: BTreeMap<&'static str, usize>,
    requests: usize,
    in_flight: HashMap<String, usize>,
    max_in_flight: BTreeMap<String, usize>,
    total_in_flight: usize,
    max_total_in_flight: usize,
    arrivals: BTreeMap<String, Vec<Instant>>,
    /// Access key id → account, learnt from AssumeRole answers.
    accounts: HashMap<String, String>,
    /// The operations throttled once (`throttle_each_operation_once`).
    throttled_operations: std::collections::HashSet<String>,
}

impl ChaosProxy {
    /// How many requests each fault answered.
    pub fn faults(&self) -> BTreeMap<Fault, usize> {
        self.stats.lock().unwrap().faults.clone()
    }

    /// How many throttling errors were answered per protocol (`ec2`, `query`, `json`,
    /// `s3`, `cbor`).
    pub fn throttles(&self) -> BTreeMap<&'static str, usize> {
        self.stats.lock().unwrap().throttles.clone()
    }

    /// Every request received.
    pub fn requests(&self) -> usize {
        self.stats.lock().unwrap().requests
    }

    /// The most requests in flight at once, per account (`base` for the base credentials,
    /// which make the AssumeRole calls).
    pub fn max_in_flight(&self) -> BTreeMap<String, usize> {
        self.stats.lock().unwrap().max_in_flight.clone()
    }

    /// The most requests in flight at once, over every account.
    pub fn max_total_in_flight(&self) -> usize {
        self.stats.lock().unwrap().max_total_in_flight
    }

    /// When each request arrived, per account.
    pub fn arrivals(&self) -> BTreeMap<String, Vec<Instant>> {
        self.stats.lock().unwrap().arrivals.clone()
    }
}

/// Starts a chaos proxy forwarding to `upstream` (a loopback port).
pub fn start_chaos_proxy(upstream: u16, options: ChaosOptions) -> ChaosProxy {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("bound").port();
    let proxy = ChaosProxy {
        port,
        stats: Arc::new(Mutex::new(ChaosStats {
            random: options.seed.max(1),
            ..ChaosStats::default()
        })),
    };
    let serving = proxy.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let proxy = serving.clone();
            let options = options.clone();
            std::thread::spawn(move || serve_chaos(client, upstream, &proxy, &options));
        }
    });
    proxy
}

/// Counts a request in flight for its account until dropped.
struct InFlight<'a> {
    stats: &'a Mutex<ChaosStats>,
    account: String,
    done: bool,
}

impl InFlight<'_> {
    fn end(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        let mut stats = self.stats.lock().unwrap();
        if let Some(n) = stats.in_flight.get_mut(&self.account) {
            *n -= 1;
        }
        stats.total_in_flight -= 1;
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.end();
    }
}

fn serve_chaos(mut client: TcpStream, upstream: u16, proxy: &ChaosProxy, options: &ChaosOptions) {
    while let Some(request) = read_message(&mut client) {
        let text = String::from_utf8_lossy(&request).into_owned();
        let (fault, mut in_flight) = {
            let mut stats = proxy.stats.lock().unwrap();
            let account = account_of(&stats, &text);
            stats.requests += 1;
            stats
                .arrivals
                .entry(account.clone())
                .or_default()
                .push(Instant::now());
            let n = {
                let n = stats.in_flight.entry(account.clone()).or_insert(0);
                *n += 1;
                *n
            };
            let max = stats.max_in_flight.entry(account.clone()).or_insert(0);
            *max = (*max).max(n);
            stats.total_in_flight += 1;
            stats.max_total_in_flight = stats.max_total_in_flight.max(stats.total_in_flight);
            let draw = next_random(&mut stats.random);
            let first_of_operation = options.throttle_each_operation_once
                && stats.throttled_operations.insert(operation_of(&text));
            let fault = if first_of_operation {
                Some(Fault::Throttle)
            } else {
                (draw < options.fault_rate).then(|| {
                    let pick = next_random(&mut stats.random);
                    Fault::ALL
                        [((pick * Fault::ALL.len() as f64) as usize).min(Fault::ALL.len() - 1)]
                })
            };
            if let Some(fault) = fault {
                *stats.faults.entry(fault).or_insert(0) += 1;
                if fault == Fault::Throttle {
                    *stats.throttles.entry(protocol_of(&text)).or_insert(0) += 1;
                }
            }
            (
                fault,
                InFlight {
                    stats: &proxy.stats,
                    account,
                    done: false,
                },
            )
        };
        if !options.latency.is_zero() {
            std::thread::sleep(options.latency);
        }
        let response = match fault {
            Some(Fault::Throttle) => throttling_answer(&text),
            Some(Fault::Unavailable) => plain_answer("503 Service Unavailable"),
            Some(Fault::Internal) => plain_answer("500 Internal Server Error"),
            Some(Fault::Reset) => {
                in_flight.end();
                let _ = client.shutdown(std::net::Shutdown::Both);
                return;
            }
            Some(Fault::Slow) | None => {
                if fault == Some(Fault::Slow) {
                    std::thread::sleep(options.slow);
                }
                let Ok(mut moto) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    return;
                };
                if moto.write_all(&request).is_err() {
                    return;
                }
                let Some(response) = read_message(&mut moto) else {
                    return;
                };
                learn_account(&proxy.stats, &text, &response);
                response
            }
        };
        // Out of flight before the answer leaves: the client can send its next request only
        // after reading this one's answer, so no request is ever counted twice.
        in_flight.end();
        if client.write_all(&response).is_err() {
            return;
        }
    }
}

/// A uniform draw in [0, 1) from a xorshift64* state.
fn next_random(state: &mut u64) -> f64 {
    let mut x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
}

/// The header `name` of a request (case-insensitive), if present.
fn header<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// The access key id and the signing service of a SigV4 `Authorization` header.
fn credential_of(text: &str) -> Option<(&str, &str)> {
    let authorization = header(text, "authorization")?;
    let credential = authorization.split("Credential=").nth(1)?;
    let mut parts = credential.split(['/', ',']);
    let key = parts.next()?;
    let service = parts.nth(2)?;
    Some((key, service))
}

/// The account a request acts in: learnt from the AssumeRole answer that issued its key.
fn account_of(stats: &ChaosStats, text: &str) -> String {
    match credential_of(text) {
        Some((key, _)) => stats
            .accounts
            .get(key)
            .cloned()
            .unwrap_or_else(|| "base".to_string()),
        None => "anonymous".to_string(),
    }
}

/// Records the key an AssumeRole answer issued, for the account of the role it assumed.
fn learn_account(stats: &Mutex<ChaosStats>, request: &str, response: &[u8]) {
    if !request.contains("Action=AssumeRole") {
        return;
    }
    let Some(arn) = request.split("RoleArn=").nth(1) else {
        return;
    };
    let arn = arn.replace("%3A", ":").replace("%3a", ":");
    let Some(account) = arn
        .split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
    else {
        return;
    };
    let response = String::from_utf8_lossy(response);
    let Some(key) = response
        .split("<AccessKeyId>")
        .nth(1)
        .and_then(|rest| rest.split("</AccessKeyId>").next())
    else {
        return;
    };
    stats
        .lock()
        .unwrap()
        .accounts
        .insert(key.trim().to_string(), account.to_string());
}

/// The operation a request calls: its `X-Amz-Target` (JSON), its `Action=` (query), else
/// its request line (REST and CBOR, whose paths name the operation or the resource).
fn operation_of(text: &str) -> String {
    if let Some(target) = header(text, "x-amz-target") {
        return target.to_string();
    }
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    if let Some(action) = body
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
    {
        return format!("Action={action}");
    }
    text.lines().next().unwrap_or_default().to_string()
}

/// The request's protocol, for its throttling answer.
fn protocol_of(text: &str) -> &'static str {
    if header(text, "smithy-protocol").is_some_and(|p| p.eq_ignore_ascii_case("rpc-v2-cbor")) {
        return "cbor";
    }
    if header(text, "x-amz-target").is_some() {
        return "json";
    }
    let service = credential_of(text)
        .map(|(_, service)| service)
        .unwrap_or_default();
    if service == "s3" {
        return "s3";
    }
    if service == "ec2" {
        return "ec2";
    }
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    if body.starts_with("Action=") || body.contains("&Action=") {
        return "query";
    }
    // REST-JSON services (Lambda, EFS, Backup, GuardDuty, Security Hub) read the error
    // type from the x-amzn-ErrorType header.
    "json"
}

fn plain_answer(status: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nx-amzn-RequestId: chaos-proxy\r\n\r\n")
        .into_bytes()
}

/// A throttling error in the request's protocol.
fn throttling_answer(text: &str) -> Vec<u8> {
    let (status, content_type, extra, body): (&str, &str, &str, Vec<u8>) = match protocol_of(text) {
        "ec2" => (
            "400 Bad Request",
            "text/xml",
            "",
            b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded (chaos proxy).</Message></Error></Errors><RequestID>chaos-proxy</RequestID></Response>".to_vec(),
        ),
        "query" => (
            "400 Bad Request",
            "text/xml",
            "",
            b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded (chaos proxy)</Message></Error><RequestId>chaos-proxy</RequestId></ErrorResponse>".to_vec(),
        ),
        "s3" => (
            "503 Slow Down",
            "application/xml",
            "",
            b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate (chaos proxy).</Message><RequestId>chaos-proxy</RequestId></Error>".to_vec(),
        ),
        "cbor" => (
            "400 Bad Request",
            "application/cbor",
            "smithy-protocol: rpc-v2-cbor\r\n",
            cbor_error("ThrottlingException", "Rate exceeded (chaos proxy)"),
        ),
        _ => (
            "400 Bad Request",
            "application/x-amz-json-1.1",
            "x-amzn-ErrorType: ThrottlingException\r\n",
            b"{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded (chaos proxy)\"}".to_vec(),
        ),
    };
    let mut answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra}\
         x-amzn-RequestId: chaos-proxy\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    answer
}

/// `{"__type": error, "message": message}` in CBOR (a map of two text strings each).
fn cbor_error(error: &str, message: &str) -> Vec<u8> {
    fn text(out: &mut Vec<u8>, value: &str) {
        let len = value.len();
        if len < 24 {
            out.push(0x60 | len as u8);
        } else {
            assert!(len < 256, "short strings only");
            out.push(0x78);
            out.push(len as u8);
        }
        out.extend_from_slice(value.as_bytes());
    }
    let mut out = vec![0xa2];
    text(&mut out, "__type");
    text(&mut out, error);
    text(&mut out, "message");
    text(&mut out, message);
    out
}
