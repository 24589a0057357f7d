"""API Gateway through the AWS SDK for JavaScript v3 (tests/js/apigateway/*.mjs): REST APIs with
@aws-sdk/client-api-gateway, HTTP APIs with @aws-sdk/client-apigatewayv2, and HTTP APIs'
first-class SQS integrations; each script invokes what it built with fetch() and prints its
checks as one JSON line."""
import nimbus_support as ns


def run_script(nimbus, script):
    out = ns.node(f"apigateway/{script}", nimbus.url)
    assert out["ok"], out
    return out


def test_rest_api_through_the_js_sdk(nimbus):
    # resources, AWS_PROXY + MOCK methods, stage variables, export/import bodies, keys and
    # usage plans, paginateGetRestApis, typed errors, three invoke URL forms.
    assert run_script(nimbus, "rest_api.mjs")["checks"] >= 100


def test_http_api_through_the_js_sdk(nimbus):
    # quick create, routes/integrations/auto-deploy, JWT authorizer, CORS, GetApis paging,
    # ExportApi, typed errors, payload 2.0 events.
    assert run_script(nimbus, "http_api.mjs")["checks"] >= 65


def test_http_api_sqs_integrations_through_the_js_sdk(nimbus):
    # SQS-SendMessage (standard and FIFO), -ReceiveMessage, -DeleteMessage, -PurgeQueue, with
    # the messages checked in the queues by @aws-sdk/client-sqs.
    assert run_script(nimbus, "http_api_sqs.mjs")["checks"] >= 25


def test_rest_api_configuration_through_the_js_sdk(nimbus):
    # models/validators, API keys + usage plans, gateway responses (defaults too), PATCH
    # updates, embed=methods, PutRestApi, deletions, the account; each seen through fetch().
    assert run_script(nimbus, "rest_api_config.mjs")["checks"] >= 40


def test_http_api_configuration_through_the_js_sdk(nimbus):
    # ImportApi/ReimportApi, manual deployments and rollback, route/integration updates and
    # deletions, payload 1.0 on an HTTP API, a REQUEST authorizer, typed errors.
    assert run_script(nimbus, "http_api_config.mjs")["checks"] >= 29


def test_js_sdk_signatures_verify(start_nimbus):
    # With SIGV4_VERIFY=1 every SDK call must carry a valid signature: ARNs and '$default' in
    # URI paths (tags, stages) are where the canonical request's encoding matters.
    server = start_nimbus(SIGV4_VERIFY="1")
    assert run_script(server, "rest_api.mjs")["checks"] >= 100
    assert run_script(server, "http_api.mjs")["checks"] >= 65
