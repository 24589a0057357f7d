"""Calls one AWS operation with Debian's boto3 (1.26, SQS over the query protocol) and prints
one JSON line: {boto3, protocol, ok, result} or {boto3, protocol, ok: false, code, status, message}.

Run it with /usr/bin/python3 (the venv cannot import Debian's boto3):
    debian_boto3_call.py ENDPOINT SERVICE OPERATION_SNAKE_CASE [JSON_PARAMS]
Client-side parameter validation is off, so the server's own validation answers.
"""
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def main() -> None:
    endpoint, service, operation = sys.argv[1:4]
    params = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    client = boto3.client(service, endpoint_url=endpoint, config=Config(
        parameter_validation=False, retries={"total_max_attempts": 1},
        connect_timeout=5, read_timeout=15))
    out = {"boto3": boto3.__version__, "protocol": client.meta.service_model.protocol}
    try:
        result = getattr(client, operation)(**params)
        result.pop("ResponseMetadata", None)
        out.update(ok=True, result=result)
    except ClientError as e:
        out.update(ok=False, code=e.response["Error"].get("Code"),
                   status=e.response["ResponseMetadata"].get("HTTPStatusCode"),
                   message=e.response["Error"].get("Message"))
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
