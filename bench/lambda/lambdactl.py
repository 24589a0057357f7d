#!/usr/bin/env python3
"""Setup helper for bench/lambda/run.sh (stdlib only: zipfile + http.client, loopback).

  lambdactl.py bodies OUTDIR RUNTIME PREFIX N [REFERENCE_ARGV...]
      Writes N files OUTDIR/PREFIX-<i>.req for `lambench cold`: line 1 the function name
      PREFIX-<i>, line 2 the reference command (tab-separated argv, timed by lambench right
      before the create), then a CreateFunction JSON body whose zip (built in memory) holds a
      no-op handler. Every zip differs (a comment names the function), so no create reuses code the
      content-addressed store already unpacked.
  lambdactl.py create HOST:PORT NAME RUNTIME
      Creates one no-op function (201 expected) and invokes it once (200, no FunctionError).
"""
import base64
import http.client
import io
import json
import os
import sys
import zipfile

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64)
HEADERS = {"Authorization": AUTH, "X-Amz-Date": "20260101T000000Z",
           "Content-Type": "application/json"}
ROLE = "arn:aws:iam::000000000000:role/bench"


def handler_file(runtime, name):
    """The no-op handler: returns at once."""
    if runtime.startswith("python"):
        return "index.py", "# %s\ndef handler(event, context):\n    return None\n" % name
    if runtime.startswith("nodejs"):
        return "index.js", "// %s\nexports.handler = async () => null;\n" % name
    raise SystemExit("unsupported runtime " + runtime)


def create_body(runtime, name):
    fname, src = handler_file(runtime, name)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(fname, src)
    return json.dumps({
        "FunctionName": name, "Runtime": runtime, "Role": ROLE, "Handler": "index.handler",
        "Timeout": 30, "MemorySize": 256,
        "Code": {"ZipFile": base64.b64encode(buf.getvalue()).decode()},
    })


def main():
    cmd = sys.argv[1]
    if cmd == "bodies":
        outdir, runtime, prefix, n = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
        ref = "\t".join(sys.argv[6:])
        os.makedirs(outdir, exist_ok=True)
        for i in range(n):
            name = "%s-%d" % (prefix, i)
            with open(os.path.join(outdir, name + ".req"), "w") as f:
                f.write(name + "\n" + ref + "\n" + create_body(runtime, name))
            print(os.path.join(outdir, name + ".req"))
    elif cmd == "create":
        host, port = sys.argv[2].rsplit(":", 1)
        name, runtime = sys.argv[3], sys.argv[4]
        c = http.client.HTTPConnection(host, int(port), timeout=60)
        c.request("POST", "/2015-03-31/functions", create_body(runtime, name), HEADERS)
        r = c.getresponse()
        body = r.read()
        if r.status != 201:
            raise SystemExit("create %s: HTTP %d %s" % (name, r.status, body[:300]))
        c.request("POST", "/2015-03-31/functions/%s/invocations" % name, "{}", HEADERS)
        r = c.getresponse()
        body = r.read()
        if r.status != 200 or r.getheader("X-Amz-Function-Error"):
            raise SystemExit("invoke %s: HTTP %d %s" % (name, r.status, body[:300]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
