#!/usr/bin/env python3
"""Trims botocore's service models to what Nimbus serves and embeds them in a C++ source.

Reads the models from the installed (pinned) botocore package. Documentation, examples and
endpoint rules are dropped; shapes, operations and serialization traits are kept.

SQS: current botocore models SQS as JSON only. Query clients still exist, so the query
serialization names (locationName on members, resultWrapper) and the legacy error codes are
overlaid from the last query-protocol SQS model (a pinned older botocore wheel) under keys the
JSON codec ignores: `queryName`, `queryFlattened`, `queryError`, `resultWrapper`.

Usage: trim_models.py --out DIR [--sqs-query-wheel WHEEL] [--json-dir DIR]
Writes DIR/embedded_models.cc (and, with --json-dir, one trimmed JSON file per service).
"""
import argparse
import gzip
import json
import os
import sys
import zipfile

import botocore

SERVICES = ["sqs", "sns", "lambda", "iam", "sts", "apigateway", "apigatewayv2", "logs"]

SHAPE_KEYS = {"type", "members", "member", "key", "value", "required", "flattened", "error",
              "exception", "payload", "timestampFormat", "min", "max", "enum", "locationName",
              "xmlNamespace", "sensitive", "union", "document", "event", "eventstream"}
MEMBER_KEYS = {"shape", "location", "locationName", "flattened", "xmlAttribute",
               "timestampFormat", "jsonvalue", "idempotencyToken", "hostLabel", "queryName",
               "eventpayload", "eventheader"}
OP_KEYS = {"name", "http", "input", "output", "errors", "endpoint", "authtype", "auth",
           "deprecated", "httpChecksum"}
META_KEYS = {"apiVersion", "endpointPrefix", "protocol", "protocols", "jsonVersion",
             "targetPrefix", "signingName", "xmlNamespace", "serviceId", "awsQueryCompatible",
             "uid", "globalEndpoint"}


def load_model(service):
    data = os.path.join(os.path.dirname(botocore.__file__), "data", service)
    version = sorted(v for v in os.listdir(data) if os.path.isdir(os.path.join(data, v)))[-1]
    base = os.path.join(data, version, "service-2.json")
    if os.path.exists(base):
        with open(base, "rb") as f:
            return json.load(f)
    with gzip.open(base + ".gz", "rb") as f:
        return json.load(f)


def load_wheel_model(wheel, service):
    with zipfile.ZipFile(wheel) as z:
        names = [n for n in z.namelist()
                 if n.startswith(f"botocore/data/{service}/") and "/service-2.json" in n]
        raw = z.read(sorted(names)[-1])
        if names[-1].endswith(".gz"):
            raw = gzip.decompress(raw)
        return json.loads(raw)


def trim_member(ref):
    return {k: v for k, v in ref.items() if k in MEMBER_KEYS}


def trim_shape(shape):
    out = {k: v for k, v in shape.items() if k in SHAPE_KEYS}
    if "members" in out:
        out["members"] = {n: trim_member(m) for n, m in out["members"].items()}
    for k in ("member", "key", "value"):
        if k in out:
            out[k] = trim_member(out[k])
    return out


def trim_operation(op):
    out = {k: v for k, v in op.items() if k in OP_KEYS}
    for k in ("input", "output"):
        if k in out:
            out[k] = {kk: vv for kk, vv in out[k].items() if kk in ("shape", "resultWrapper")}
    if "errors" in out:
        out["errors"] = [e["shape"] for e in out["errors"]]
    return out


def overlay_sqs_query(model, query_model):
    """Copies the query names of the old SQS model into the JSON one, under separate keys."""
    qshapes = query_model["shapes"]

    def query_name(ref):
        # botocore serializes a reference under its own locationName, else its target shape's
        # (TagQueue's Tags -> TagMap's "Tag").
        return ref.get("locationName") or qshapes.get(ref["shape"], {}).get("locationName")

    for name, shape in model["shapes"].items():
        q = qshapes.get(name)
        if q is None:
            continue
        if "error" in q:
            shape["queryError"] = q["error"]
        if q.get("flattened"):
            shape["queryFlattened"] = True
        for part in ("member", "key", "value"):
            if part in shape and part in q and query_name(q[part]):
                shape[part]["queryName"] = query_name(q[part])
        for mname, member in shape.get("members", {}).items():
            qm = q.get("members", {}).get(mname)
            if qm and query_name(qm):
                member["queryName"] = query_name(qm)
    for name, op in model["operations"].items():
        q = query_model["operations"].get(name)
        wrapper = (q or {}).get("output", {}).get("resultWrapper", name + "Result")
        if "output" in op:
            op["output"]["resultWrapper"] = wrapper
    model["metadata"]["queryXmlNamespace"] = query_model["metadata"]["xmlNamespace"]


def trimmed(service, sqs_query_wheel):
    model = load_model(service)
    out = {
        "metadata": {k: v for k, v in model["metadata"].items() if k in META_KEYS},
        "operations": {n: trim_operation(o) for n, o in model["operations"].items()},
        "shapes": {n: trim_shape(s) for n, s in model["shapes"].items()},
    }
    out["metadata"]["botocoreVersion"] = botocore.__version__
    if service == "sqs":
        if not sqs_query_wheel:
            sys.exit("trim_models: --sqs-query-wheel is required for the SQS query overlay")
        overlay_sqs_query(out, load_wheel_model(sqs_query_wheel, "sqs"))
    return out


def routing_index(model):
    meta = model["metadata"]
    prefixes = sorted({op["http"]["requestUri"].split("?")[0].strip("/").split("/")[0]
                       for op in model["operations"].values()
                       if meta["protocol"] == "rest-json"})
    return {
        "protocol": meta["protocol"],
        "apiVersion": meta["apiVersion"],
        "targetPrefix": meta.get("targetPrefix"),
        "signingName": meta.get("signingName") or meta["endpointPrefix"],
        "queryCompatible": "queryXmlNamespace" in meta,
        "pathPrefixes": prefixes,
        "operations": sorted(model["operations"]),
    }


def cpp_string_literal_chunks(text, chunk=60000):
    # Raw string literals; split because compilers cap a single literal's length.
    delim = "NIMBUSMODEL"
    assert f"){delim}\"" not in text
    return [f'R"{delim}({text[i:i + chunk]}){delim}"' for i in range(0, len(text), chunk)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--sqs-query-wheel")
    ap.add_argument("--json-dir")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    full = {s: trimmed(s, args.sqs_query_wheel) for s in SERVICES}
    models = {s: json.dumps(m, separators=(",", ":"), sort_keys=True) for s, m in full.items()}
    # The router's index: what service detection needs, so startup parses no full model.
    models["_index"] = json.dumps({s: routing_index(m) for s, m in full.items()},
                                  separators=(",", ":"), sort_keys=True)
    if args.json_dir:
        os.makedirs(args.json_dir, exist_ok=True)
        for s, text in models.items():
            with open(os.path.join(args.json_dir, s + ".json"), "w") as f:
                f.write(text)

    lines = ["// Generated by tests/tools/trim_models.py from botocore "
             f"{botocore.__version__}. Do not edit.",
             '#include "edge/protocol/embedded_models.h"', "", "namespace nimbus::protocol {",
             "namespace {"]
    for s, text in models.items():
        ident = "k" + "".join(p.capitalize() for p in s.split("_")) + "Model"
        lines.append(f"constexpr char {ident}[] =")
        lines.extend("    " + c for c in cpp_string_literal_chunks(text))
        lines.append(";")
    lines.append("}  // namespace")
    lines.append("")
    lines.append("const std::vector<EmbeddedModel>& EmbeddedModels() {")
    lines.append("  static const std::vector<EmbeddedModel> kModels = {")
    for s in SERVICES + ["_index"]:
        ident = "k" + "".join(p.capitalize() for p in s.split("_")) + "Model"
        lines.append(f'      {{"{s}", std::string_view({ident}, sizeof({ident}) - 1)}},')
    lines.append("  };")
    lines.append("  return kModels;")
    lines.append("}")
    lines.append("")
    lines.append("}  // namespace nimbus::protocol")
    target = os.path.join(args.out, "embedded_models.cc")
    content = "\n".join(lines) + "\n"
    if not os.path.exists(target) or open(target).read() != content:
        with open(target, "w") as f:
            f.write(content)


if __name__ == "__main__":
    main()
