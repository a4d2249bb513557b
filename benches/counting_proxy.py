"""A counting reverse proxy for AWS API calls: every request is forwarded unchanged to one
upstream (moto) and counted by service and operation, the same way whichever client sent it.

    python benches/counting_proxy.py --upstream http://127.0.0.1:PORT [--port 0]

Prints "listening PORT" on its first line of standard output, then serves on 127.0.0.1 until
it is terminated. Control requests (never forwarded; no S3 bucket name can start with "_"):

    GET  /_proxy/counts   {"calls": {"service:Operation": n},
                           "errors": {"service:Operation STATUS": n},   (status >= 400)
                           "seconds": {"service:Operation": upstream time, summed},
                           "first": time.time() when the first counted request came in,
                           "last": time.time() when the last counted answer went out}
    POST /_proxy/reset    the same, then every counter back to zero

How a request is named:
- service: the credential scope of its SigV4 signature (Authorization header, or
  X-Amz-Credential for presigned URLs), e.g. ".../eu-west-1/kms/aws4_request" -> kms; a few
  signing names are shown as the service people know (elasticfilesystem -> efs); an unsigned
  request is "unsigned".
- operation: the X-Amz-Target header (JSON protocols: "TrentService.ListKeys" -> ListKeys), else
  the Action parameter of the query string or of a form body (query protocols: EC2, IAM, RDS,
  STS), else the operation of a Smithy RPC v2 CBOR path (/service/S/operation/NAME: the Rust
  SDK's CloudWatch), else the x-id query parameter some SDKs add to S3 calls, else, for REST protocols (S3, S3 Control, EFS, Backup, ...), the botocore operation
  whose HTTP method, requestUri path and required query keys match the request, the most
  specific match winning (so /{Bucket}?policy is GetBucketPolicy, and S3 Control's
  /v20180820/... paths are named as S3 Control operations although they are signed as "s3").
  botocore is imported only for that (run this under a Python that has it, e.g. moto's
  virtualenv); without it REST calls are named "METHOD /path-shape".

Uses the standard library's threading HTTP server; one keep-alive upstream connection per
handler thread. Bodies are read whole and forwarded with a Content-Length (chunked request
bodies are de-chunked). Only for benchmarks on loopback.
"""

import argparse
import http.client
import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
}
# Signing name -> the name shown (what users call the service).
SERVICE_ALIASES = {"elasticfilesystem": "efs", "monitoring": "cloudwatch", "email": "ses"}
# Signing name -> the botocore models whose REST routes may carry it.
REST_MODELS = {"s3": ["s3", "s3control"], "elasticfilesystem": ["efs"]}
CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")


class RestRoutes:
    """The REST routes (method, path pattern, required query) of botocore's service models,
    loaded lazily per signing name."""

    def __init__(self):
        self.lock = threading.Lock()
        self.routes = {}
        try:
            import botocore.session

            self.session = botocore.session.get_session()
        except ImportError:
            self.session = None

    def _compile(self, model_name):
        try:
            model = self.session.get_service_model(model_name)
        except Exception:
            return []
        routes = []
        for operation in model.operation_names:
            http = model.operation_model(operation).http
            path, _, query = http.get("requestUri", "/").partition("?")
            required = {}
            for part in filter(None, query.split("&")):
                key, eq, value = part.partition("=")
                required[key] = value if eq else None
            path = path.rstrip("/") or "/"
            pattern, literal, greedy = "", 0, 0
            for token in re.split(r"(\{[^}]+\})", path):
                if token.startswith("{"):
                    greedy += token.endswith("+}")
                    pattern += ".+" if token.endswith("+}") else "[^/]+"
                else:
                    literal += len(token)
                    pattern += re.escape(token)
            routes.append(
                (
                    http.get("method", "GET"),
                    re.compile(pattern + "$"),
                    required,
                    (literal, len(required), -greedy),
                    model_name,
                    operation,
                )
            )
        return routes

    def name(self, signing_name, method, path, query):
        if self.session is None:
            return signing_name, None
        with self.lock:
            if signing_name not in self.routes:
                models = REST_MODELS.get(signing_name, [signing_name])
                self.routes[signing_name] = [r for m in models for r in self._compile(m)]
            routes = self.routes[signing_name]
        path = path.rstrip("/") or "/"
        best = None
        for route_method, pattern, required, rank, model_name, operation in routes:
            if route_method != method or not pattern.match(path):
                continue
            if any(k not in query or (v is not None and v not in query[k]) for k, v in required.items()):
                continue
            if best is None or rank > best[0]:
                best = (rank, model_name, operation)
        if best is None:
            return signing_name, None
        return best[1], best[2]


ROUTES = RestRoutes()


def shape(path):
    """A path with its variable parts blanked, for REST calls no model names."""
    return re.sub(r"/[^/]*[0-9][^/]*", "/{}", path) or "/"


def classify(method, path, headers, body):
    """(service, operation) of one request."""
    raw_path, _, raw_query = path.partition("?")
    query = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
    auth = headers.get("Authorization", "")
    match = CREDENTIAL.search(auth) or CREDENTIAL.search(
        "Credential=" + urllib.parse.unquote(query.get("X-Amz-Credential", [""])[0])
    )
    signing_name = match.group(2) if match else "unsigned"
    service = SERVICE_ALIASES.get(signing_name, signing_name)
    target = headers.get("X-Amz-Target")
    if target:
        return service, target.rpartition(".")[2]
    if headers.get("smithy-protocol") == "rpc-v2-cbor" and "/operation/" in raw_path:
        # Smithy RPC v2 CBOR (the Rust SDK's CloudWatch): /service/SERVICE/operation/NAME.
        return service, raw_path.rpartition("/operation/")[2]
    if "Action" in query:
        return service, query["Action"][0]
    content_type = headers.get("Content-Type", "")
    if body and content_type.startswith("application/x-www-form-urlencoded"):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        if "Action" in form:
            return service, form["Action"][0]
    model_name, operation = ROUTES.name(signing_name, method, urllib.parse.unquote(raw_path), query)
    if "x-id" in query:  # the Rust and other SDKs name some S3 operations in the query
        operation = query["x-id"][0]
    if operation is None:
        return service, "%s %s" % (method, shape(raw_path))
    return SERVICE_ALIASES.get(model_name, model_name), operation


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls, self.errors, self.seconds = {}, {}, {}
        self.first = self.last = None

    def add(self, key, status, started, seconds):
        with self.lock:
            if self.first is None or started < self.first:
                self.first = started
            self.last = max(self.last or 0, time.time())
            self.calls[key] = self.calls.get(key, 0) + 1
            self.seconds[key] = self.seconds.get(key, 0.0) + seconds
            if status >= 400:
                error = "%s %d" % (key, status)
                self.errors[error] = self.errors.get(error, 0) + 1

    def snapshot(self, reset=False):
        with self.lock:
            out = {
                "calls": dict(self.calls),
                "errors": dict(self.errors),
                "seconds": dict(self.seconds),
                "first": self.first,
                "last": self.last,
            }
            if reset:
                self.calls, self.errors, self.seconds = {}, {}, {}
                self.first = self.last = None
            return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None  # (host, port), set by main
    counts = None
    local = threading.local()

    def log_message(self, *args):
        pass

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reply(self, status, reason, headers, data):
        self.send_response_only(status, reason)
        for key, value in headers:
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD" and data:
            self.wfile.write(data)

    def _control(self, path):
        if path == "/_proxy/counts" and self.command == "GET":
            body = json.dumps(self.counts.snapshot()).encode()
        elif path == "/_proxy/reset" and self.command == "POST":
            body = json.dumps(self.counts.snapshot(reset=True)).encode()
        else:
            self._reply(404, "Not Found", [("Content-Length", "0")], b"")
            return
        self._reply(200, "OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))], body)

    def _upstream(self, fresh=False):
        conn = getattr(self.local, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            conn = http.client.HTTPConnection(*self.upstream, timeout=120)
            self.local.conn = conn
        return conn

    def _forward(self):
        path = self.path
        if path.startswith("http://") or path.startswith("https://"):
            parts = urllib.parse.urlsplit(path)  # absolute form, when used as an HTTP proxy
            path = parts.path + ("?" + parts.query if parts.query else "")
        arrived = time.time()
        body = self._read_body()
        if path.startswith("/_proxy/"):
            self._control(path.partition("?")[0])
            return
        key = "%s:%s" % classify(self.command, path, self.headers, body)
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP]
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers.append(("Content-Length", str(len(body))))
        started = time.monotonic()
        for attempt in (0, 1):
            conn = self._upstream(fresh=attempt == 1)
            try:
                conn.putrequest(self.command, path, skip_host=True, skip_accept_encoding=True)
                for k, v in headers:
                    conn.putheader(k, v)
                conn.endheaders(body or None)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError) as error:
                conn.close()
                if attempt == 1:
                    self.counts.add(key, 502, arrived, time.monotonic() - started)
                    message = ("proxy: upstream failed: %s" % error).encode()
                    self._reply(502, "Bad Gateway", [("Content-Length", str(len(message)))], message)
                    return
        out = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
        if self.command == "HEAD":
            length = response.getheader("Content-Length")
            if length is not None:
                out.append(("Content-Length", length))
        else:
            out.append(("Content-Length", str(len(data))))
        self.counts.add(key, response.status, arrived, time.monotonic() - started)
        self._reply(response.status, response.reason, out, data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _forward


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # soc2scan keeps up to 32 calls in flight


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:5000")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    upstream = urllib.parse.urlsplit(args.upstream)
    Handler.upstream = (upstream.hostname, upstream.port or 80)
    Handler.counts = Counts()
    server = Server(("127.0.0.1", args.port), Handler)
    print("listening %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
