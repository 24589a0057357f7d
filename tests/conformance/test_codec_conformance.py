"""Codec conformance: every operation of every served model, in every protocol, both ways.

Values are generated from botocore's shapes (seeded, so failures reproduce). Requests are
serialized by botocore exactly as a client sends them and decoded by the codecs; the params must
equal the input. Outputs are encoded by the codecs and parsed by botocore; the result must equal
the output. Errors are encoded and botocore must read back the code and message.

Expected values pass through a normalization that undoes only what the wire itself cannot
carry (an empty map on the query wire, a timestamp in an HTTP date, ...); every such rule says
why. Anything else that differs is a codec bug.
"""
import base64
import calendar
import datetime
import io
import math
import os
import random
import string
from urllib.parse import urlsplit

import botocore.awsrequest
import botocore.errorfactory
import botocore.parsers
import botocore.serialize
import pytest
from botocore.exceptions import ParamValidationError
from botocore.response import StreamingBody

# Seeds per operation; the whole suite stays well under a minute at the default.
SEEDS = int(os.environ.get("NIMBUS_CONFORMANCE_SEEDS", "8"))
MAX_REPORTED = 20
MISSING = object()
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
REQUEST_ID = "00000000-0000-4000-8000-000000000000"

# (test id, service, wire protocol). SQS speaks both: JSON today, query for older clients.
CASES = [
    ("sqs-json", "sqs", "json"),
    ("sqs-query", "sqs", "query"),
    ("sns", "sns", "query"),
    ("iam", "iam", "query"),
    ("sts", "sts", "query"),
    ("logs", "logs", "json"),
    ("lambda", "lambda", "rest-json"),
    ("apigateway", "apigateway", "rest-json"),
    ("apigatewayv2", "apigatewayv2", "rest-json"),
]
CASE_IDS = [c[0] for c in CASES]

# ---------------------------------------------------------------------------------------------
# Value generation


class Gen:
    """Random values for botocore shapes, as a botocore user passes them (bytes, datetime)."""

    MAX_DEPTH = 4
    ALNUM = string.ascii_letters + string.digits
    SPECIAL = " &=+/%?#;:,'\"<>[]{}|\\^`~!*()@$-_.\n\r\t"
    UNICODE = "éüß中文Ω😀"
    HEADER = "".join(chr(c) for c in range(0x21, 0x7F))

    def __init__(self, rng):
        self.rng = rng

    def text(self, n, kind):
        rng = self.rng
        if kind == "header":
            # HTTP field values: visible ASCII, inner spaces; outer whitespace is not content.
            chars = [rng.choice(self.HEADER if rng.random() < 0.8 else " ") for _ in range(n)]
            if chars:
                chars[0] = rng.choice(self.ALNUM)
                chars[-1] = rng.choice(self.ALNUM)
            return "".join(chars)
        out = []
        for _ in range(n):
            r = rng.random()
            pool = self.ALNUM if r < 0.7 else self.SPECIAL if r < 0.9 else self.UNICODE
            out.append(rng.choice(pool))
        text = "".join(out)
        if kind == "label":
            # Path labels: a name with nothing but dots would be a relative path segment.
            if not text.strip("."):
                text = "x" + text
        return text

    def string(self, shape, kind="body"):
        if shape.enum:
            return self.rng.choice(shape.enum)
        lo = int(shape.metadata.get("min", 0))
        if kind == "label":
            lo = max(lo, 3)
        hi = int(shape.metadata.get("max", lo + 10))
        hi = max(lo, min(hi, lo + 10))
        return self.text(self.rng.randint(lo, hi), kind)

    def integer(self, shape):
        rng = self.rng
        lo = int(shape.metadata.get("min", -1000))
        hi = int(shape.metadata.get("max", 2**31 - 1 if shape.type_name == "integer" else 2**53))
        choices = [lo, min(hi, lo + rng.randint(0, 1000)), rng.randint(lo, min(hi, lo + 10**6))]
        if shape.type_name == "long" and hi >= 2**40:
            choices.append(2**40 + rng.randint(0, 1000))
        return rng.choice(choices)

    def double(self, shape):
        # No NaN/Infinity: the tool's JSON lines (strict RFC 8259 in rapidjson) cannot carry them.
        rng = self.rng
        choices = [0.0, 0.5, -1.25, 3.141592653589793, 1e-7, 123456.789, 1e20,
                   round(rng.uniform(-1e4, 1e4), 6), float(rng.randint(-50, 50))]
        v = rng.choice(choices)
        if "min" in shape.metadata:
            v = max(v, float(shape.metadata["min"]))
        if "max" in shape.metadata:
            v = min(v, float(shape.metadata["max"]))
        return v

    def timestamp(self):
        # Whole milliseconds: what every timestamp format but the HTTP date can carry.
        ms = self.rng.randint(946684800, 1893456000) * 1000
        if self.rng.random() < 0.7:
            ms += self.rng.randint(1, 999)
        return EPOCH + datetime.timedelta(milliseconds=ms)

    def blob(self, shape):
        lo = int(shape.metadata.get("min", 0))
        n = self.rng.randint(lo, lo + 12)
        return bytes(self.rng.randrange(256) for _ in range(n))

    def value(self, shape, depth=0, kind="body"):
        t = shape.type_name
        if t == "structure":
            return self.structure(shape, depth)
        if t == "list":
            lo = int(shape.metadata.get("min", 0))
            n = self.rng.randint(lo, max(lo, min(int(shape.metadata.get("max", 3)), 3)))
            return [self.value(shape.member, depth + 1, kind) for _ in range(n)]
        if t == "map":
            lo = int(shape.metadata.get("min", 0))
            n = self.rng.randint(lo, max(lo, min(int(shape.metadata.get("max", 3)), 3)))
            out = {}
            for _ in range(n * 3):
                if len(out) >= n:
                    break
                key = self.string(shape.key, kind)
                if kind == "headers":
                    # The suffix of a header name: token characters only.
                    key = "".join(c for c in key.lower() if c in string.ascii_lowercase) or "k"
                out[key] = self.value(shape.value, depth + 1,
                                      "header" if kind == "headers" else kind)
            return out
        if t in ("string", "character"):
            return self.string(shape, kind)
        if t in ("integer", "long", "short", "byte"):
            return self.integer(shape)
        if t in ("float", "double"):
            return self.double(shape)
        if t == "boolean":
            return self.rng.random() < 0.5
        if t == "timestamp":
            return self.timestamp()
        if t == "blob":
            return self.blob(shape)
        raise NotImplementedError(f"shape type {t}")

    def structure(self, shape, depth, top=False):
        members = {n: m for n, m in shape.members.items() if generable(m)}
        if shape.is_tagged_union:
            name = self.rng.choice(sorted(members))
            return {name: self.value(members[name], depth + 1)}
        out = {}
        required = set(shape.required_members)
        if not top and not required and self.rng.random() < 0.15:
            return out  # empty structures are where the query wire loses things
        for name, member in members.items():
            if name not in required and (depth >= self.MAX_DEPTH or self.rng.random() > 0.6):
                continue
            if depth > 12:
                raise RecursionError(f"required members recurse without end at {shape.name}")
            kind = "body"
            if top:
                loc = member.serialization.get("location")
                kind = {"uri": "label", "header": "header", "headers": "headers"}.get(loc, kind)
            out[name] = self.value(member, depth + 1, kind)
        return out


def generable(shape):
    """Shapes a botocore client can put on (or read from) a plain HTTP message."""
    if shape.serialization.get("eventstream") or shape.serialization.get("hostLabel"):
        return False
    return shape.type_name != "structure" or not shape.is_document_type


def gen_input(gen, op_model, protocol):
    shape = op_model.input_shape
    if shape is None:
        return {}
    params = gen.structure(shape, 0, top=True)
    if protocol == "rest-json":
        # A querystring map shares the query with the named members; botocore lets a map key
        # overwrite them, so the generator keeps the two apart.
        literal = urlsplit(op_model.http["requestUri"]).query
        taken = {p.split("=")[0] for p in literal.split("&") if p}
        for name, member in shape.members.items():
            if member.serialization.get("location") == "querystring":
                taken.add(member.serialization.get("name", name))
        for name, member in shape.members.items():
            if (member.serialization.get("location") == "querystring"
                    and member.type_name == "map" and name in params):
                params[name] = {k: v for k, v in params[name].items() if k not in taken}
    return params


def gen_output(gen, op_model, protocol):
    shape = op_model.output_shape
    out = gen.structure(shape, 0, top=True)
    for name, member in shape.members.items():
        if member.serialization.get("location") == "statusCode" and name in out:
            # A 3xx-5xx status would make the response an error.
            out[name] = gen.rng.choice([200, 202, 204])
    return out


# ---------------------------------------------------------------------------------------------
# Tool form: what nimbus_codec_tool speaks (blobs base64, timestamps epoch seconds)


def epoch(dt):
    return calendar.timegm(dt.utctimetuple()) + dt.microsecond / 1e6


def to_tool(value, shape):
    t = shape.type_name
    if t == "structure":
        return {k: to_tool(v, shape.members[k]) for k, v in value.items()}
    if t == "list":
        return [to_tool(v, shape.member) for v in value]
    if t == "map":
        return {k: to_tool(v, shape.value) for k, v in value.items()}
    if t == "blob":
        if isinstance(value, StreamingBody):
            value = value.read()
        if isinstance(value, str):
            value = value.encode("utf-8")
        return base64.b64encode(value).decode("ascii")
    if t == "timestamp":
        return epoch(value) if isinstance(value, datetime.datetime) else float(value)
    return value


def walk(value, shape, fn):
    """Rebuilds a tool-form value bottom-up; fn(value, shape) may return MISSING to drop it."""
    t = shape.type_name
    if t == "structure":
        out = {}
        for k, v in value.items():
            nv = walk(v, shape.members[k], fn)
            if nv is not MISSING:
                out[k] = nv
        value = out
    elif t == "list":
        value = [nv for nv in (walk(v, shape.member, fn) for v in value) if nv is not MISSING]
    elif t == "map":
        value = {k: walk(v, shape.value, fn) for k, v in value.items()}
    return fn(value, shape)


def timestamps_on_wire(default_format, precision):
    """The timestamp a format carries: HTTP dates and (by default) botocore's epoch numbers
    are whole seconds; ISO 8601 keeps the milliseconds."""

    def fn(value, shape):
        if shape.type_name == "timestamp":
            fmt = shape.serialization.get("timestampFormat", default_format).lower()
            if fmt == "rfc822" or (fmt == "unixtimestamp" and precision == "default"):
                return float(math.floor(value))
        return value

    return fn


# ---------------------------------------------------------------------------------------------
# What each wire can carry (requests)


def expect_query_request(params, shape):
    on_wire = timestamps_on_wire("iso8601", "exact")

    def norm(value, s, top=False):
        t = s.type_name
        if t == "structure":
            out = {}
            for k, v in value.items():
                nv = norm(v, s.members[k])
                if nv is not MISSING:
                    out[k] = nv
            if not out and not top:
                # AWS: the query wire writes leaves only; an empty structure leaves no key.
                return MISSING
            return out
        if t == "list":
            if not value:
                return []  # botocore sends `Name=`
            # Items that wrote nothing leave a gap in the numbering, nothing more.
            items = [nv for nv in (norm(v, s.member) for v in value) if nv is not MISSING]
            return items if items else MISSING
        if t == "map":
            if not value:
                # AWS: an empty map writes no key (unlike an empty list, sent as `Name=`).
                return MISSING
            out = {}
            for k, v in value.items():
                nv = norm(v, s.value)
                # The entry's key is on the wire even when its value wrote nothing: the value
                # reads back as an empty structure/map.
                out[k] = {} if nv is MISSING else nv
            return out
        return on_wire(value, s)

    return norm(params, shape, top=True)


def expect_json_request(params, shape, precision):
    return walk(params, shape, timestamps_on_wire("unixtimestamp", precision))


def expect_rest_json_request(params, shape, precision):
    out = {}
    for name, value in params.items():
        member = shape.members[name]
        loc = member.serialization.get("location")
        if loc == "querystring":
            value = walk(value, member, timestamps_on_wire("iso8601", precision))
            if member.type_name == "map":
                # A key whose list of values is empty has no `k=v` pair to send.
                value = {k: v for k, v in value.items() if v != []}
            if value in ([], {}):
                continue  # no pairs on the query string
        elif loc == "header":
            # botocore formats header timestamps from whole seconds, whatever the format.
            value = walk(value, member, timestamps_on_wire("rfc822", precision))
            if value == []:
                continue  # botocore sends no header for an empty list
        elif loc == "headers":
            # HTTP field names are case-insensitive; the codec sees them lowercase.
            value = {k.lower(): v for k, v in value.items()}
            if not value:
                continue
        elif loc != "uri":
            value = walk(value, member, timestamps_on_wire("unixtimestamp", precision))
        out[name] = value
    payload = shape.serialization.get("payload")
    if payload:
        member = shape.members[payload]
        if member.type_name in ("blob", "string"):
            if out.get(payload) == "":
                del out[payload]  # an empty raw body is no body
        elif payload not in out:
            out[payload] = {}  # botocore sends `{}` for an absent structure payload
    return out


# ---------------------------------------------------------------------------------------------
# What each wire can carry (responses)


def expect_query_response(output, shape):
    def fn(value, s):
        if s.type_name in ("list", "map") and not value and s.serialization.get("flattened"):
            # AWS: a flattened list/map is its repeated items; with none there is no element.
            return MISSING
        return value

    return walk(output, shape, fn)


def expect_rest_json_response(output, shape, op_model):
    out = dict(output)
    for name, member in shape.members.items():
        if member.serialization.get("location") == "statusCode" and name not in out:
            out[name] = op_model.http.get("responseCode", 200)  # the status is always there
    payload = shape.serialization.get("payload")
    if not payload:
        return out
    kind = shape.members[payload].type_name
    if payload not in out:
        # The body is always there: raw payloads read back as empty, structures as `{}`.
        out[payload] = {"blob": "", "string": ""}.get(kind, {})
    if kind in ("blob", "string"):
        for name, member in shape.members.items():
            if (member.serialization.get("location") == "header"
                    and member.serialization.get("name", "").lower() == "content-type"
                    and name not in out):
                # AWS: a raw body always goes out with a Content-Type; when the output leaves
                # the member bound to it unset, the codec names the payload's generic type.
                out[name] = "application/octet-stream" if kind == "blob" else "text/plain"
    return out


# ---------------------------------------------------------------------------------------------
# Comparison


def diff(expected, actual, shape, path, out):
    t = shape.type_name
    if t == "structure":
        if not isinstance(actual, dict):
            out.append(f"{path}: expected object {expected!r}, got {actual!r}")
            return
        for k in sorted(set(expected) | set(actual)):
            if k not in shape.members:
                out.append(f"{path}.{k}: unknown member, got {actual[k]!r}")
            elif k not in actual:
                out.append(f"{path}.{k}: missing, expected {expected[k]!r}")
            elif k not in expected:
                out.append(f"{path}.{k}: unexpected {actual[k]!r}")
            else:
                diff(expected[k], actual[k], shape.members[k], f"{path}.{k}", out)
        return
    if t == "list":
        if not isinstance(actual, list) or len(actual) != len(expected):
            out.append(f"{path}: expected list {expected!r}, got {actual!r}")
            return
        for i, (e, a) in enumerate(zip(expected, actual)):
            diff(e, a, shape.member, f"{path}[{i}]", out)
        return
    if t == "map":
        if not isinstance(actual, dict) or set(actual) != set(expected):
            out.append(f"{path}: expected map {expected!r}, got {actual!r}")
            return
        for k in expected:
            diff(expected[k], actual[k], shape.value, f"{path}[{k!r}]", out)
        return
    ok = False
    if t in ("string", "character", "blob"):
        ok = isinstance(actual, str) and actual == expected
    elif t in ("integer", "long", "short", "byte"):
        ok = isinstance(actual, int) and not isinstance(actual, bool) and actual == expected
    elif t == "boolean":
        ok = isinstance(actual, bool) and actual == expected
    elif t in ("float", "double"):
        ok = (isinstance(actual, (int, float)) and not isinstance(actual, bool)
              and math.isclose(actual, expected, rel_tol=1e-12, abs_tol=0))
    elif t == "timestamp":
        ok = (isinstance(actual, (int, float)) and not isinstance(actual, bool)
              and abs(actual - expected) <= 0.0010001)
    if not ok:
        out.append(f"{path}: expected {t} {expected!r}, got {actual!r}")


def report(kind, case_id, mismatches):
    if not mismatches:
        return
    shown = "\n".join(mismatches[:MAX_REPORTED])
    more = len(mismatches) - MAX_REPORTED
    tail = f"\n... and {more} more" if more > 0 else ""
    pytest.fail(f"{case_id}: {len(mismatches)} {kind} mismatches\n{shown}{tail}", pytrace=False)


def operations(models, service, protocol):
    service_model = models.service_model(service, protocol)
    served = set(models.served_operations(service))
    return service_model, [service_model.operation_model(n)
                           for n in service_model.operation_names if n in served]


def rng_for(case_id, op_name, seed, what):
    return random.Random(f"{case_id}:{op_name}:{seed}:{what}")


# ---------------------------------------------------------------------------------------------
# Requests: botocore serializes, the codec decodes


def wire_request(params, op_model, protocol, precision):
    serializer = botocore.serialize.create_serializer(protocol, include_validation=True,
                                                      timestamp_precision=precision)
    request = serializer.serialize_to_request(params, op_model)
    botocore.awsrequest.prepare_request_dict(request, endpoint_url="https://nimbus.test")
    prepared = botocore.awsrequest.create_request_object(request).prepare()
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = body.read()
    return {"method": prepared.method, "path": url.path, "query": url.query,
            "headers": {k: v for k, v in prepared.headers.items()},
            "body_b64": base64.b64encode(body).decode("ascii")}


def describe_wire(wire):
    body = base64.b64decode(wire["body_b64"]).decode("utf-8", "replace")
    text = f"{wire['method']} {wire['path']}?{wire['query']} {body}"
    return text if len(text) <= 400 else text[:400] + "..."


@pytest.mark.parametrize("case_id,service,protocol", CASES, ids=CASE_IDS)
def test_requests_decode_to_the_same_params(case_id, service, protocol, codec_tool, models):
    _, ops = operations(models, service, protocol)
    assert ops, f"no served operations for {case_id}"
    mismatches = []
    for op_model in ops:
        for seed in range(SEEDS):
            # botocore sends whole-second epoch numbers by default and milliseconds when a
            # service opts in; both must decode.
            precision = "default" if seed == 0 else "millisecond"
            gen = Gen(rng_for(case_id, op_model.name, seed, "input"))
            where = f"{op_model.name} seed={seed}"
            try:
                params = gen_input(gen, op_model, protocol)
                wire = wire_request(params, op_model, protocol, precision)
            except ParamValidationError as e:
                mismatches.append(f"{where}: generator made invalid params: {e}")
                continue
            answer = codec_tool.call({"op": "decode", "service": service, "protocol": protocol,
                                      **wire})
            if "error" in answer:
                mismatches.append(f"{where}: decode error {answer['error']}\n    wire: "
                                  f"{describe_wire(wire)}")
                continue
            if answer["operation"] != op_model.name:
                mismatches.append(f"{where}: decoded as {answer['operation']}\n    wire: "
                                  f"{describe_wire(wire)}")
                continue
            shape = op_model.input_shape
            if shape is None:
                if answer["params"]:
                    mismatches.append(f"{where}: params {answer['params']!r} for no input")
                continue
            tool_params = to_tool(params, shape)
            if protocol == "query":
                expected = expect_query_request(tool_params, shape)
            elif protocol == "json":
                expected = expect_json_request(tool_params, shape, precision)
            else:
                expected = expect_rest_json_request(tool_params, shape, precision)
            found = []
            diff(expected, answer["params"], shape, "", found)
            if found:
                mismatches.extend(f"{where}: {m}" for m in found)
                mismatches.append(f"    wire: {describe_wire(wire)}")
    report("request", case_id, mismatches)


# ---------------------------------------------------------------------------------------------
# Responses: the codec encodes, botocore parses


def parse_response(answer, op_model, protocol):
    body = base64.b64decode(answer["body_b64"])
    if op_model.has_streaming_output:
        body = StreamingBody(io.BytesIO(body), len(body))  # as botocore's endpoint hands it over
    # Case-insensitive headers, as botocore's AWSResponse hands them to the parser.
    headers = botocore.awsrequest.HeadersDict(answer["headers"])
    response = {"status_code": answer["status"], "headers": headers, "body": body,
                "context": {"operation_name": op_model.name}}
    return botocore.parsers.create_parser(protocol).parse(response, op_model.output_shape)


@pytest.mark.parametrize("case_id,service,protocol", CASES, ids=CASE_IDS)
def test_responses_parse_to_the_same_output(case_id, service, protocol, codec_tool, models):
    _, ops = operations(models, service, protocol)
    mismatches = []
    for op_model in ops:
        if op_model.has_event_stream_output:
            continue  # event streams are framed binary, not what these codecs write
        for seed in range(SEEDS if op_model.output_shape is not None else 1):
            gen = Gen(rng_for(case_id, op_model.name, seed, "output"))
            where = f"{op_model.name} seed={seed}"
            shape = op_model.output_shape
            output = gen_output(gen, op_model, protocol) if shape is not None else {}
            tool_output = to_tool(output, shape) if shape is not None else {}
            answer = codec_tool.call({"op": "encode", "service": service, "protocol": protocol,
                                      "operation": op_model.name, "output": tool_output})
            status = (op_model.http.get("responseCode", 200) if protocol == "rest-json"
                      else 200)
            if shape is not None and protocol == "rest-json":
                for name, member in shape.members.items():
                    if member.serialization.get("location") == "statusCode" and name in output:
                        status = output[name]
            if answer["status"] != status:
                mismatches.append(f"{where}: status {answer['status']}, expected {status}")
            try:
                parsed = parse_response(answer, op_model, protocol)
            except Exception as e:  # noqa: BLE001 - any parser failure is a mismatch
                body = base64.b64decode(answer["body_b64"])[:400]
                mismatches.append(f"{where}: botocore cannot parse: {e!r}\n    body: {body!r}")
                continue
            metadata = parsed.pop("ResponseMetadata", {})
            if protocol == "query" and metadata.get("RequestId") != REQUEST_ID:
                mismatches.append(f"{where}: RequestId {metadata.get('RequestId')!r}")
            if shape is None:
                if parsed:
                    mismatches.append(f"{where}: parsed {parsed!r} for no output")
                continue
            actual = to_tool(parsed, shape)
            if protocol == "query":
                expected = expect_query_response(tool_output, shape)
            elif protocol == "rest-json":
                expected = expect_rest_json_response(tool_output, shape, op_model)
            else:
                expected = tool_output
            found = []
            diff(expected, actual, shape, "", found)
            if found:
                mismatches.extend(f"{where}: {m}" for m in found)
                body = base64.b64decode(answer["body_b64"])
                mismatches.append(f"    body: {body[:400]!r}")
    report("response", case_id, mismatches)


# ---------------------------------------------------------------------------------------------
# Errors: the codec encodes, botocore reads code and message


@pytest.mark.parametrize("case_id,service,protocol", CASES, ids=CASE_IDS)
def test_errors_parse_to_the_same_code(case_id, service, protocol, codec_tool, models):
    service_model, ops = operations(models, service, protocol)
    exceptions = botocore.errorfactory.ClientExceptionsFactory().create_client_exceptions(
        service_model)
    # SQS's legacy codes live in its query model (the JSON model only names the shapes).
    query_model = models.service_model(service, "query") if service == "sqs" else service_model
    rng = random.Random(f"{case_id}:errors")
    gen = Gen(rng)
    modeled = [service_model.shape_for(n) for n in service_model.shape_names]
    modeled = [s for s in modeled if s.metadata.get("exception")]
    assert modeled, f"no modeled errors in {case_id}"
    # Modeled errors, then codes no model names (the front end's own: throttling, 501s).
    cases = [(s.name, s.metadata.get("error", {})) for s in modeled]
    cases += [("ThrottlingException", {"httpStatusCode": 400}),
              ("InternalFailure", {"httpStatusCode": 501, "senderFault": False})]
    op_model = ops[0]
    mismatches = []
    for code, info in cases:
        status = info.get("httpStatusCode", 400)
        sender = info.get("senderFault", status < 500)
        message = gen.text(12, "body") + " <&> é"
        answer = codec_tool.call({"op": "encode_error", "service": service,
                                  "protocol": protocol, "code": code, "message": message,
                                  "status": status, "sender": sender})
        where = code
        if answer["status"] != status:
            mismatches.append(f"{where}: status {answer['status']}, expected {status}")
        try:
            parsed = parse_response(answer, op_model, protocol)
        except Exception as e:  # noqa: BLE001 - any parser failure is a mismatch
            mismatches.append(f"{where}: botocore cannot parse: {e!r}")
            continue
        error = parsed.get("Error", {})
        # Query codes are the model's `error.code` (SQS: AWS.SimpleQueueService.NonExistentQueue
        # and kin); query-compatible JSON carries the same in x-amzn-query-error, which botocore
        # surfaces as Error.Code, keeping the shape name as Error.QueryErrorCode.
        query_code = code
        if code in query_model.shape_names:
            query_code = query_model.shape_for(code).metadata.get("error", {}).get("code", code)
        want = query_code if protocol == "query" or service_model.is_query_compatible else code
        if error.get("Code") != want:
            mismatches.append(f"{where}: Error.Code {error.get('Code')!r}, expected {want!r}")
        if error.get("Message") != message:
            mismatches.append(f"{where}: Error.Message {error.get('Message')!r}, "
                              f"expected {message!r}")
        want_type = "Sender" if sender else "Receiver"
        if protocol == "query":
            if error.get("Type") != want_type:
                mismatches.append(f"{where}: Error.Type {error.get('Type')!r}")
            if parsed.get("ResponseMetadata", {}).get("RequestId") != REQUEST_ID:
                mismatches.append(f"{where}: RequestId missing from the error")
        if service_model.is_query_compatible:
            if error.get("QueryErrorCode") != code:
                mismatches.append(f"{where}: Error.QueryErrorCode "
                                  f"{error.get('QueryErrorCode')!r}, expected {code!r}")
            if error.get("Type") != want_type:
                mismatches.append(f"{where}: Error.Type {error.get('Type')!r}")
        if code in {s.name for s in modeled}:
            # What a boto3 caller catches: the modeled exception class. botocore picks it by
            # Error.Code, or for SQS by Error.QueryErrorCode
            # (botocore.handlers._handle_sqs_compatible_error).
            lookup = error.get("QueryErrorCode") if service == "sqs" else None
            cls = exceptions.from_code(lookup or error.get("Code"))
            if cls.__name__ != code:
                mismatches.append(f"{where}: botocore raises {cls.__name__}")
    report("error", case_id, mismatches)
