"""SNS through the AWS SDK for JavaScript v3 (@aws-sdk/client-sns, with client-sqs and
client-lambda on the receiving side): the scenario scripts in tests/js/sns each print one JSON line
with the number of checks they made and the ones that failed."""
import pytest

import nimbus_support as ns

SCENARIOS = {
    # script: the least number of checks it makes when it runs to the end
    "sns/topics.mjs": 40,
    "sns/publish_sqs.mjs": 65,
    "sns/lambda.mjs": 20,
    "sns/platform_sms.mjs": 30,
    "sns/http_and_policy.mjs": 22,
}


@pytest.mark.parametrize("script", sorted(SCENARIOS))
def test_js_sdk_v3(nimbus, script):
    out = ns.node(script, nimbus.url)
    assert out["ok"], out
    assert out["mismatches"] == [] and out["checks"] >= SCENARIOS[script], out
