"""moto's server for soc2scan's tests and benchmarks, with a bridge for the Smithy RPC v2
CBOR protocol, which the Rust SDK speaks to CloudWatch and moto 5.1 does not.

    python tests/support/moto_server.py [--exit-with-stdin] -H 127.0.0.1 -p PORT

A request to `/service/SERVICE/operation/OPERATION` with `smithy-protocol: rpc-v2-cbor` is
decoded (botocore's own CBOR parser), handed to moto as the same operation in the service's
JSON protocol, and moto's answer is encoded back to CBOR against the operation's output shape
(botocore's own CBOR serializer); errors keep their status and carry `__type` and `message`.
Every other request reaches moto as it came. The bridged request's body differs from the
signed one, so moto's IAM enforcement cannot check its signature: tests deny bridged calls
through the fault proxy instead.

With --exit-with-stdin the server quits as soon as stdin reaches end of file — that is, as
soon as the process holding the other end of the pipe (a test binary) exits, however it
exits.

With --assumed-roles-must-exist, STS AssumeRole of a role that is not in its account's IAM
answers AccessDenied, as AWS does (moto otherwise lets any role ARN be assumed): the
Organizations tests need an account whose OrganizationAccountAccessRole is missing to fail.
Existing tests do not pass it, and assume roles that exist nowhere. The other arguments are
moto.server's.
"""
import os, sys, threading, io, json

if "--exit-with-stdin" in sys.argv:
    sys.argv.remove("--exit-with-stdin")

    def watch():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()

if "--assumed-roles-must-exist" in sys.argv:
    sys.argv.remove("--assumed-roles-must-exist")
    from moto.sts.models import STSBackend
    from moto.sts.exceptions import STSClientError
    from moto.iam.models import iam_backends

    _assume_role = STSBackend.assume_role

    def assume_existing_role(self, region_name, role_session_name, role_arn, *args, **kwargs):
        parts = role_arn.split(":")
        account = parts[4] if len(parts) > 5 else ""
        try:
            iam_backends[account][parts[1]].get_role(role_arn.rsplit("/", 1)[-1])
        except Exception:
            raise STSClientError(
                "AccessDenied",
                f"User: {self.account_id} is not authorized to perform: sts:AssumeRole on "
                f"resource: {role_arn}",
            )
        return _assume_role(self, region_name, role_session_name, role_arn, *args, **kwargs)

    STSBackend.assume_role = assume_existing_role

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
