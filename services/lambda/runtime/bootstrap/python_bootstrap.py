# Nimbus's bootstrap for the python3.x runtimes: speaks the Lambda Runtime API
# ($AWS_LAMBDA_RUNTIME_API), loads the handler named by $_HANDLER ("path/module.function") the
# way AWS's runtime does, and reports errors in AWS's shape (errorMessage, errorType,
# requestId, stackTrace).
#
# Cold start is a benchmark target (interpreter start + 15 ms): the Runtime API is spoken over a
# plain socket (http.client's imports alone cost ~16 ms) and traceback is imported only when an
# error is reported (bench/RESULTS.md, Lambda).
import importlib
import json
import os
import sys
import time

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
BASE = "/2018-06-01/runtime"


import socket


class _Resp:
    def __init__(self, status, headers):
        self.status = status
        self._headers = headers

    def getheaders(self):
        return self._headers

    def getheader(self, name, default=None):
        name = name.lower()
        for k, v in self._headers:
            if k.lower() == name:
                return v
        return default


class Api:
    """HTTP/1.1 keep-alive over a plain socket: the Runtime API answers with Content-Length."""

    def __init__(self):
        host, port = API.rsplit(":", 1)
        self.addr = (host, int(port))
        self.sock = None
        self.buf = b""

    def _connect(self):
        # connect() with a numeric ASCII host: no getaddrinfo, whose str-host path imports
        # encodings.idna (+ stringprep, unicodedata) as http.client's create_connection does.
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.connect(self.addr)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def call(self, method, path, body=None, headers=None):
        for attempt in range(2):
            try:
                if self.sock is None:
                    self._connect()
                data = body or b""
                if isinstance(data, str):
                    data = data.encode()
                head = "%s %s%s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n" % (
                    method, BASE, path, API, len(data))
                for k, v in (headers or {}).items():
                    head += "%s: %s\r\n" % (k, v)
                self.sock.sendall(head.encode("latin-1") + b"\r\n" + data)
                return self._read()
            except OSError:
                self.sock = None
                if attempt:
                    raise

    def _read(self):
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("Runtime API closed the connection")
            self.buf += chunk
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = []
        length = 0
        for line in lines[1:]:
            k, _, v = line.partition(":")
            k, v = k.strip(), v.strip()
            headers.append((k, v))
            if k.lower() == "content-length":
                length = int(v)
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("Runtime API closed the connection")
            rest += chunk
        self.buf = rest[length:]
        return _Resp(status, headers), rest[:length]


def error_body(exc, request_id, error_type=None, tb=None):
    import traceback
    tb = tb or exc.__traceback__
    # AWS: the trace starts at the user's code, not at the runtime that called it.
    while tb is not None and tb.tb_frame.f_code.co_filename.endswith("python_bootstrap.py"):
        tb = tb.tb_next
    frames = traceback.extract_tb(tb)
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(frames),
    }


def log_error(body):
    # AWS prints unhandled errors as "[ERROR] Type: message" followed by the traceback.
    # One log record: lines are joined with \r as AWS's runtime does, so the record stays whole.
    lines = ["[ERROR] %s: %s" % (body["errorType"], body["errorMessage"])]
    if body["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        for entry in body["stackTrace"]:
            lines.extend(entry.splitlines())
    sys.stdout.write("\r".join(lines) + "\n")
    sys.stdout.flush()


# The request being handled, for the log records of the root logger.
_request_id = [""]


def _configure_logging(logging):
    """AWS's runtime gives the root logger a handler writing "[LEVEL]\t<time>\t<request id>\t
    <message>" (the root level stays WARNING: logger.info is silent until the function lowers
    it, and basicConfig() is a no-op since a handler exists)."""
    if getattr(logging, "_nimbus_configured", False):
        return
    logging._nimbus_configured = True

    class LambdaLoggerHandler(logging.Handler):
        def emit(self, record):
            try:
                msg = self.format(record)
            except Exception:
                self.handleError(record)
                return
            # One record stays one log event: lines joined with \r, as the runtime does.
            sys.stdout.write(msg.replace("\n", "\r") + "\n")
            sys.stdout.flush()

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _request_id[0]
            return True

    logging.Formatter.converter = time.gmtime
    handler = LambdaLoggerHandler()
    handler.setFormatter(logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
        "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(LambdaLoggerFilter())
    logging.getLogger().addHandler(handler)


class _LoggingHook:
    """Configures logging when the function first imports it: importing it up front would cost
    ~10 ms of every cold start, and most functions never log through it."""

    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        import importlib.machinery
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        # Wrapped, not patched: a loader may serve many modules (zipimport's serves the whole
        # zip), and only logging's execution must configure logging.
        spec.loader = _ConfiguringLoader(spec.loader)
        return spec


class _ConfiguringLoader:
    """Runs `logging`'s module code with the real loader, then configures it."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _configure_logging(module)

    def __getattr__(self, name):  # get_source, is_package, ... (tracebacks, pkgutil)
        return getattr(self._loader, name)


class Context:
    def __init__(self, headers):
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))
        self.identity = None
        cc = headers.get("Lambda-Runtime-Client-Context")
        self.client_context = json.loads(cc) if cc else None

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def load_handler(spec):
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    try:
        modname, fname = spec.rsplit(".", 1)
    except ValueError as e:
        raise HandlerError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (spec, e))
    try:
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise HandlerError("Runtime.ImportModuleError",
                           "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        raise HandlerError("Runtime.UserCodeSyntaxError",
                           "Syntax error in module '%s': %s" % (modname, e))
    try:
        return getattr(module, fname)
    except AttributeError:
        raise HandlerError("Runtime.HandlerNotFound",
                           "Handler '%s' missing on module '%s'" % (fname, modname))


class HandlerError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def main():
    api = Api()
    if "logging" in sys.modules:  # imported before us (sitecustomize)
        _configure_logging(sys.modules["logging"])
    else:
        sys.meta_path.insert(0, _LoggingHook())
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except HandlerError as e:
        body = {"errorMessage": str(e), "errorType": e.error_type, "requestId": "",
                "stackTrace": []}
        log_error(body)
        api.call("POST", "/init/error", json.dumps(body).encode(),
                 {"Lambda-Runtime-Function-Error-Type": e.error_type})
        sys.exit(1)
    except Exception as e:  # errors raised while the module initialises
        body = error_body(e, "")
        log_error(body)
        api.call("POST", "/init/error", json.dumps(body).encode(),
                 {"Lambda-Runtime-Function-Error-Type": "Runtime.Unknown"})
        sys.exit(1)

    while True:
        resp, raw = api.call("GET", "/invocation/next")
        headers = dict(resp.getheaders())
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        _request_id[0] = request_id or ""
        if "Lambda-Runtime-Trace-Id" in headers:
            os.environ["_X_AMZN_TRACE_ID"] = headers["Lambda-Runtime-Trace-Id"]
        try:
            event = json.loads(raw) if raw else {}
            result = handler(event, Context(headers))
            payload = json.dumps(result).encode()
        except Exception as e:
            body = error_body(e, request_id)
            log_error(body)
            api.call("POST", "/invocation/%s/error" % request_id, json.dumps(body).encode(),
                     {"Lambda-Runtime-Function-Error-Type": "Unhandled"})
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        api.call("POST", "/invocation/%s/response" % request_id, payload)


if __name__ == "__main__":
    main()
