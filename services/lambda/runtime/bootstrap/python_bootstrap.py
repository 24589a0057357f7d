# Nimbus's bootstrap for the python3.x runtimes: speaks the Lambda Runtime API
# ($AWS_LAMBDA_RUNTIME_API), loads the handler named by $_HANDLER ("path/module.function") the
# way AWS's runtime does, and reports errors in AWS's shape (errorMessage, errorType,
# requestId, stackTrace).
import http.client
import importlib
import json
import os
import sys
import time
import traceback

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
BASE = "/2018-06-01/runtime"


class Api:
    def __init__(self):
        self.conn = http.client.HTTPConnection(API)

    def call(self, method, path, body=None, headers=None):
        for attempt in range(2):
            try:
                self.conn.request(method, BASE + path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                return resp, resp.read()
            except (http.client.HTTPException, ConnectionError):
                if attempt:
                    raise
                self.conn = http.client.HTTPConnection(API)


def error_body(exc, request_id, error_type=None, tb=None):
    frames = traceback.extract_tb(tb or exc.__traceback__)
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(frames),
    }


def log_error(body):
    # AWS prints unhandled errors as "[ERROR] Type: message" followed by the traceback.
    lines = ["[ERROR] %s: %s" % (body["errorType"], body["errorMessage"])]
    if body["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        lines.extend(l.rstrip("\n") for l in body["stackTrace"])
    sys.stdout.write("\r".join(lines) + "\n")
    sys.stdout.flush()


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
