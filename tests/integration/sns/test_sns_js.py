"""SNS through the AWS SDK for JavaScript v3 (@aws-sdk/client-sns, with client-sqs and
client-lambda on the receiving side): the scenario scripts in tests/js/sns each print one JSON line
with the number of checks they made and the ones that failed."""
import pytest

import nimbus_support as ns

SCENARIOS = {
    # script: the least number of checks it makes when it runs to the end
    "sns/topics.mjs": 44,
    "sns/publish_sqs.mjs": 68,
    "sns/lambda.mjs": 22,
    "sns/platform_sms.mjs": 30,
    "sns/http_and_policy.mjs": 29,
    "sns/body_filter_dlq.mjs": 10,
}


@pytest.mark.parametrize("script", sorted(SCENARIOS))
def test_js_sdk_v3(nimbus, script):
    out = ns.node(script, nimbus.url)
    assert out["ok"], out
    assert out["mismatches"] == [] and out["checks"] >= SCENARIOS[script], out


def test_js_sdk_v3_signatures_verified(start_nimbus):
    # The same calls with SIGV4_VERIFY=1: the SDK's own signing (ARNs in path labels, UTF-8
    # bodies) must match what the server computes.
    server = start_nimbus(SIGV4_VERIFY="1")
    out = ns.node("sns/publish_sqs.mjs", server.url)
    assert out["ok"], out
    assert out["checks"] >= 65, out
