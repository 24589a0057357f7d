"""CloudWatch Logs through the AWS SDK for JavaScript v3 (@aws-sdk/client-cloudwatch-logs, with
client-lambda for a function's own logs): the scenario scripts in tests/js/logs each print one
JSON line with the number of checks they made and the ones that failed."""
import pytest

import nimbus_support as ns

SCENARIOS = {
    # script: the least number of checks it makes when it runs to the end
    "logs/logs_api.mjs": 45,
    "logs/lambda_logs.mjs": 6,
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
    out = ns.node("logs/logs_api.mjs", server.url)
    assert out["ok"], out
    assert out["checks"] >= 45, out
