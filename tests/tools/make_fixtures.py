#!/usr/bin/env python3
"""Writes tests/fixtures/requests/*.json: HTTP requests serialized by botocore's own serializer
for representative operations of every protocol, with the params that produced them. The codec
unit tests decode each request and must get the params back.

Run with the pinned botocore: .venv/bin/python tests/tools/make_fixtures.py [--sqs-query-wheel W]
"""
import argparse
import base64
import glob
import gzip
import json
import os
import zipfile

import botocore.session
from botocore.model import ServiceModel
from botocore.serialize import create_serializer
from botocore.awsrequest import prepare_request_dict, AWSRequest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "requests")

CASES = [
    ("sqs", "json", "SendMessage", {
        "QueueUrl": "http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/q1",
        "MessageBody": "hello & <world> = 100%",
        "DelaySeconds": 5,
        "MessageAttributes": {
            "color": {"DataType": "String", "StringValue": "blue"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
        },
        "MessageGroupId": "g1",
    }),
    ("sqs", "query", "SendMessageBatch", {
        "QueueUrl": "http://localhost:4566/000000000000/q1",
        "Entries": [
            {"Id": "a", "MessageBody": "one",
             "MessageAttributes": {"k": {"DataType": "Number", "StringValue": "1"}}},
            {"Id": "b", "MessageBody": "two two", "DelaySeconds": 3},
        ],
    }),
    ("sqs", "query", "ReceiveMessage", {
        "QueueUrl": "http://localhost:4566/000000000000/q1",
        "AttributeNames": ["All"],
        "MessageAttributeNames": ["color", "size.*"],
        "MaxNumberOfMessages": 10,
        "WaitTimeSeconds": 2,
    }),
    ("sqs", "query", "CreateQueue", {
        "QueueName": "jobs.fifo",
        "Attributes": {"FifoQueue": "true", "VisibilityTimeout": "45"},
        "tags": {"team": "core", "env": "dev"},
    }),
    ("sns", "query", "Publish", {
        "TopicArn": "arn:aws:sns:us-east-1:000000000000:t1",
        "Message": "{\"default\": \"x\"}",
        "Subject": "Hi there",
        "MessageStructure": "json",
        "MessageAttributes": {
            "n": {"DataType": "Number", "StringValue": "42"},
            "b": {"DataType": "Binary", "BinaryValue": b"bin"},
        },
    }),
    ("sns", "query", "CreateTopic", {
        "Name": "t1",
        "Attributes": {"DisplayName": "T One", "FifoTopic": "false"},
        "Tags": [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}],
    }),
    ("iam", "query", "CreateRole", {
        "RoleName": "lambda-role",
        "Path": "/service/",
        "AssumeRolePolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
        "MaxSessionDuration": 7200,
        "Tags": [{"Key": "owner", "Value": "me"}],
    }),
    ("sts", "query", "AssumeRole", {
        "RoleArn": "arn:aws:iam::000000000000:role/r",
        "RoleSessionName": "s1",
        "DurationSeconds": 900,
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "Tags": [{"Key": "a", "Value": "b"}],
    }),
    ("logs", "json", "PutLogEvents", {
        "logGroupName": "/aws/lambda/f",
        "logStreamName": "2026/11/22/[$LATEST]abc",
        "logEvents": [{"timestamp": 1763780000000, "message": "line 1"},
                      {"timestamp": 1763780000001, "message": "line \"2\""}],
    }),
    ("lambda", "rest-json", "CreateFunction", {
        "FunctionName": "f1",
        "Runtime": "python3.12",
        "Role": "arn:aws:iam::000000000000:role/r",
        "Handler": "app.handler",
        "Code": {"ZipFile": b"PK\x03\x04fake"},
        "Timeout": 30,
        "Environment": {"Variables": {"A": "1", "B": "two"}},
        "Publish": True,
    }),
    ("lambda", "rest-json", "Invoke", {
        "FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:f1",
        "InvocationType": "RequestResponse",
        "LogType": "Tail",
        "Qualifier": "live",
        "Payload": b"{\"key\": \"value\"}",
    }),
    ("lambda", "rest-json", "ListFunctions", {"MaxItems": 5, "Marker": "abc/def"}),
    ("lambda", "rest-json", "GetFunction", {"FunctionName": "f1:prod"}),
    ("apigateway", "rest-json", "PutMethod", {
        "restApiId": "abc123", "resourceId": "r1", "httpMethod": "GET",
        "authorizationType": "NONE", "requestParameters": {"method.request.path.id": True},
    }),
    ("apigatewayv2", "rest-json", "CreateApi", {
        "Name": "http-api", "ProtocolType": "HTTP", "RouteSelectionExpression": "$request.method $request.path",
        "Tags": {"a": "b"},
    }),
]


def load_model(service, protocol, wheel):
    if service == "sqs" and protocol == "query":
        with zipfile.ZipFile(wheel) as z:
            name = [n for n in z.namelist() if n.startswith("botocore/data/sqs/") and "service-2" in n][0]
            raw = z.read(name)
            return ServiceModel(json.loads(gzip.decompress(raw) if name.endswith(".gz") else raw), "sqs")
    return botocore.session.get_session().get_service_model(service)


def to_jsonable(v):
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, dict):
        return {k: to_jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_jsonable(x) for x in v]
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sqs-query-wheel", default=(glob.glob(os.path.join(ROOT, ".cache/botocore-sqs-query/*.whl")) or [None])[0])
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    for service, protocol, op, params in CASES:
        model = load_model(service, protocol, args.sqs_query_wheel)
        op_model = model.operation_model(op)
        request_dict = create_serializer(protocol).serialize_to_request(params, op_model)
        prepare_request_dict(request_dict, endpoint_url="http://localhost:4566")
        req = AWSRequest(method=request_dict["method"], url=request_dict["url"],
                         data=request_dict["body"], headers=request_dict["headers"]).prepare()
        path, _, query = req.url.partition("://")[2].partition("/")[2].partition("?")
        body = req.body or b""
        if isinstance(body, str):
            body = body.encode()
        fixture = {
            "service": service, "protocol": protocol, "operation": op,
            "params": to_jsonable(params),
            "request": {"method": req.method, "path": "/" + path, "query": query,
                        "headers": {k: v if isinstance(v, str) else v.decode() for k, v in req.headers.items()},
                        "body_b64": base64.b64encode(body).decode()},
        }
        name = f"{service}-{protocol}-{op}.json"
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(fixture, f, indent=1, sort_keys=True)
            f.write("\n")
        print("wrote", name)


if __name__ == "__main__":
    main()
