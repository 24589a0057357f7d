#!/usr/bin/env python3
"""Creates the benchmark's APIs on a running Nimbus and prints their URLs (one per line):

  setup.py ENDPOINT

  rest=<url>     REST API, ANY /{proxy+} → AWS_PROXY Lambda (payload 1.0), stage "bench"
  http=<url>     HTTP API quick-created with the same function (payload 2.0, $default stage)
  url=<url>      the function's own function URL (the same event path without API Gateway)
  host_*=<host>  the Host headers those URLs need

The function is a python3.12 handler answering {"statusCode": 200, "body": "ok"}.
"""
import io
import sys
import zipfile

import boto3

HANDLER = "def handler(event, context):\n    return {'statusCode': 200, 'body': 'ok'}\n"


def main():
    endpoint = sys.argv[1]
    port = endpoint.rsplit(":", 1)[1]
    kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
              aws_secret_access_key="test")
    lam = boto3.client("lambda", **kw)
    apigw = boto3.client("apigateway", **kw)
    v2 = boto3.client("apigatewayv2", **kw)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", HANDLER)
    arn = lam.create_function(FunctionName="bench-echo", Runtime="python3.12",
                              Handler="app.handler", Role="arn:aws:iam::000000000000:role/r",
                              Code={"ZipFile": buf.getvalue()})["FunctionArn"]
    lam.get_waiter("function_active_v2").wait(FunctionName="bench-echo")
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
    api = apigw.create_rest_api(name="bench", tags={"_custom_id_": "benchrest1"})
    res = apigw.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                                pathPart="{proxy+}")
    apigw.put_method(restApiId=api["id"], resourceId=res["id"], httpMethod="ANY",
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api["id"], resourceId=res["id"], httpMethod="ANY",
                          type="AWS_PROXY", integrationHttpMethod="POST", uri=uri)
    apigw.create_deployment(restApiId=api["id"], stageName="bench")
    http_api = v2.create_api(Name="bench-http", ProtocolType="HTTP", Target=arn)
    fn_url = lam.create_function_url_config(FunctionName="bench-echo",
                                            AuthType="NONE")["FunctionUrl"]
    base = f"http://127.0.0.1:{port}"
    print(f"rest={base}/bench/items/1")
    print(f"host_rest={api['id']}.execute-api.localhost.localstack.cloud:{port}")
    print(f"http={base}/items/1")
    print(f"host_http={http_api['ApiId']}.execute-api.localhost.localstack.cloud:{port}")
    print(f"url={base}/items/1")
    print(f"host_url={fn_url.split('//')[1].split('/')[0]}")


if __name__ == "__main__":
    main()
