"""Lambda through the AWS SDK for JavaScript v3 (@aws-sdk/client-lambda, with client-sqs and
client-cloudwatch-logs to observe): the scenario scripts in tests/js/lambda each print one JSON
line with the number of checks they made and the ones that failed."""
import nimbus_support as ns

NOT_SERVED = {
    "error": "InternalFailure", "status": 501,
    "message": "The operation InvokeWithResponseStream of service lambda is not yet implemented by Nimbus",
}


def check(out: dict, least_checks: int) -> None:
    assert out["ok"], out
    assert out["mismatches"] == [] and out["checks"] >= least_checks, out


def test_functions_invoke_versions_waiters(nimbus):
    out = ns.node("lambda/functions.mjs", nimbus.url)
    check(out, 89)
    # InvokeWithResponseStream is not served yet: the SDK gets the uniform 501 as a typed error
    # (not a failure inside its event-stream decoder).
    assert out["stream"] == NOT_SERVED, out


def test_sqs_event_source_mapping(nimbus):
    check(ns.node("lambda/esm.mjs", nimbus.url), 30)


def test_arn_names_tags_policy_layers_url(nimbus):
    check(ns.node("lambda/names_and_extras.mjs", nimbus.url), 52)


def test_async_destinations_and_throttling(nimbus):
    check(ns.node("lambda/async_destinations.mjs", nimbus.url), 24)


def test_js_sdk_v3_signatures_verified(start_nimbus):
    # The same calls with SIGV4_VERIFY=1: the SDK's own signing (ARNs in path labels, UTF-8
    # bodies) must match what the server computes.
    server = start_nimbus(SIGV4_VERIFY="1")
    out = ns.node("lambda/names_and_extras.mjs", server.url)
    assert out["ok"], out
    assert out["checks"] >= 32, out


def test_sdk_inside_a_function_with_signatures_verified(start_nimbus):
    # A function built from the environment alone (AWS_ENDPOINT_URL, region, the role's
    # credentials) calls SQS and SNS with the JS SDK from a layer; with SIGV4_VERIFY=1 its
    # credentials must also sign correctly.
    server = start_nimbus(SIGV4_VERIFY="1")
    check(ns.node("lambda/sdk_in_function.mjs", server.url), 8)
